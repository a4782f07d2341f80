from scraping.models.runs import ScrapeError, ScrapeRun, ScrapeStatus, ScrapeTrigger

__all__ = ["ScrapeError", "ScrapeRun", "ScrapeStatus", "ScrapeTrigger"]
