from scraping.models.runs import ScrapeError, ScrapeRun, ScrapeStatus

__all__ = ["ScrapeError", "ScrapeRun", "ScrapeStatus"]
