"""The simulated sports, tournaments and teams: how strong, how many goals, which lines."""

from __future__ import annotations

from dataclasses import dataclass

from odds.vocabulary import DRAW_SPORTS


def words(text: str) -> tuple[str, ...]:
    return tuple(word.strip() for word in text.split(","))


@dataclass(frozen=True, slots=True)
class Tournament:
    key: str
    name: str
    country: str
    places: tuple[str, ...]  # one team per place
    styles: tuple[str, ...] = ()  # "{} United": a club name around the place
    nicknames: tuple[str, ...] = ()  # US style "Place Nickname": each team its own
    kickoffs: tuple[tuple[int, int], ...] = ((19, 0),)  # UTC hour, minute
    rating_sd: float = 0.45  # spread of team strengths, logit units
    home_edge: float = 0.3
    spread_scale: float = 1.1  # logit per point of handicap
    fixed_spread: float | None = None  # ice hockey's puck line is always 1.5
    total_mean: float = 2.7
    total_sd: float = 0.3
    total_lines: tuple[float, ...] = (2.5,)  # the main lines offered; () = nearest half point
    total_scale: float = 0.8  # logit per point of (expected total - line)


@dataclass(frozen=True, slots=True)
class Sport:
    key: str
    name: str
    weight: float  # share of events
    tournaments: tuple[Tournament, ...]

    @property
    def three_way(self) -> bool:
        """Whether h2h has a draw."""
        return self.key in DRAW_SPORTS


SOCCER = Sport(
    "soccer",
    "Soccer",
    0.45,
    (
        Tournament(
            "soccer_epl",
            "Premier League",
            "England",
            words(
                "Ashford, Bexley, Carlton, Dorking, Eastleigh, Fairford, Greyhill, Hastings, "
                "Ilford, Kingsbridge, Lowestoft, Marlow, Northam, Redbury, Stanmore, Westbury"
            ),
            styles=words("{} United, {} City, {} Town, {} Rovers, {} Athletic, {} Albion, {} FC"),
            kickoffs=((12, 30), (15, 0), (17, 30), (19, 45), (20, 0)),
        ),
        Tournament(
            "soccer_spain_la_liga",
            "La Liga",
            "Spain",
            words(
                "Alcora, Burgos, Cadiz, Elche, Gijon, Huesca, Jaen, Leganes, Lorca, Merida, "
                "Ourense, Palencia, Soria, Tarragona, Toledo, Zamora"
            ),
            styles=words("Real {}, {} CF, CD {}, Atletico {}, UD {}, SD {}"),
            kickoffs=((12, 0), (14, 15), (16, 30), (19, 0), (20, 0)),
        ),
        Tournament(
            "soccer_germany_bundesliga",
            "Bundesliga",
            "Germany",
            words(
                "Aachen, Bielefeld, Cottbus, Darmstadt, Erfurt, Fulda, Giessen, Halle, Jena, "
                "Kassel, Lubeck, Mannheim, Oldenburg, Paderborn, Rostock, Ulm"
            ),
            styles=words("FC {}, {} SV, VfB {}, SC {}, Borussia {}, TSV {}"),
            kickoffs=((13, 30), (14, 30), (16, 30), (17, 30), (19, 30)),
            total_mean=3.0,
        ),
        Tournament(
            "soccer_italy_serie_a",
            "Serie A",
            "Italy",
            words(
                "Ancona, Bari, Cesena, Ferrara, Lecce, Livorno, Modena, Novara, Padova, "
                "Perugia, Pisa, Reggio, Siena, Terni, Trieste, Vicenza"
            ),
            styles=words("AC {}, {} Calcio, US {}, FC {}, AS {}"),
            kickoffs=((11, 30), (14, 0), (17, 0), (19, 45)),
            total_mean=2.6,
        ),
    ),
)
BASKETBALL = Sport(
    "basketball",
    "Basketball",
    0.2,
    (
        Tournament(
            "basketball_nba",
            "NBA",
            "USA",
            words(
                "Austin, Baltimore, Columbus, Louisville, Nashville, Omaha, Pittsburgh, "
                "Kansas City, Las Vegas, St. Louis, San Diego, Tampa, Raleigh, Albuquerque, "
                "Cincinnati, Hartford"
            ),
            nicknames=words(
                "Comets, Pioneers, Stallions, Hurricanes, Titans, Monarchs, Express, Wolves, "
                "Storm, Blaze, Rangers, Coyotes, Vipers, Giants, Outlaws, Mariners"
            ),
            kickoffs=((0, 0), (0, 30), (1, 0), (2, 0), (3, 0)),
            rating_sd=0.55,
            home_edge=0.2,
            spread_scale=1 / 7,
            total_mean=224.0,
            total_sd=7.0,
            total_lines=(),
            total_scale=0.05,
        ),
        Tournament(
            "basketball_euroleague",
            "EuroLeague",
            "Europe",
            words(
                "Vilnius, Belgrade, Zagreb, Kaunas, Athens, Piraeus, Istanbul, Valencia, "
                "Bologna, Munich, Tel Aviv, Madrid, Barcelona, Milan, Lyon, Monaco"
            ),
            styles=words("{} Basket, BC {}, KK {}, {} BC"),
            kickoffs=((17, 0), (18, 0), (19, 0), (19, 45)),
            rating_sd=0.5,
            home_edge=0.35,
            spread_scale=1 / 6,
            total_mean=162.0,
            total_sd=6.0,
            total_lines=(),
            total_scale=0.06,
        ),
    ),
)
ICEHOCKEY = Sport(
    "icehockey",
    "Ice Hockey",
    0.15,
    (
        Tournament(
            "icehockey_nhl",
            "NHL",
            "USA",
            words(
                "Quebec City, Hartford, Halifax, Portland, Milwaukee, Hamilton, Saskatoon, "
                "Cleveland, Houston, Kansas City, Atlanta, Salt Lake City, Regina, Victoria, "
                "Omaha, Spokane"
            ),
            nicknames=words(
                "Blizzard, Lumberjacks, Huskies, Icemen, Thunder, Grizzlies, Voyageurs, "
                "Mariners, Barons, Aeros, Scouts, Blades, Ravens, Wolverines, Glaciers, "
                "Timberwolves"
            ),
            kickoffs=((23, 0), (0, 0), (0, 30), (2, 0)),
            rating_sd=0.3,
            home_edge=0.15,
            spread_scale=0.7,
            fixed_spread=1.5,
            total_mean=6.0,
            total_sd=0.3,
            total_lines=(5.5, 6.5),
            total_scale=1.2,
        ),
        Tournament(
            "icehockey_sweden_hockey_league",
            "SHL",
            "Sweden",
            words(
                "Lulea, Skelleftea, Vaxjo, Linkoping, Orebro, Karlstad, Jonkoping, Malmo, "
                "Boras, Gavle, Umea, Sundsvall, Vasteras, Norrkoping, Kalmar, Halmstad"
            ),
            styles=words("{} HF, {} IF, {} HC, IK {}, {} HK"),
            kickoffs=((17, 0), (18, 0)),
            rating_sd=0.3,
            home_edge=0.2,
            spread_scale=0.7,
            fixed_spread=1.5,
            total_mean=5.5,
            total_sd=0.3,
            total_lines=(4.5, 5.5, 6.5),
            total_scale=1.2,
        ),
    ),
)
AMERICANFOOTBALL = Sport(
    "americanfootball",
    "American Football",
    0.2,
    (
        Tournament(
            "americanfootball_nfl",
            "NFL",
            "USA",
            words(
                "Birmingham, Memphis, Orlando, San Antonio, Oklahoma City, Sacramento, "
                "Salt Lake City, San Jose, Louisville, Richmond, Hartford, Honolulu, Boise, "
                "Toledo, Norfolk, Tulsa"
            ),
            nicknames=words(
                "Generals, Gamblers, Maulers, Stallions, Express, Bandits, Showboats, Blitz, "
                "Gunslingers, Breakers, Renegades, Roughnecks, Sea Dragons, Defenders, "
                "Wranglers, Outlaws"
            ),
            kickoffs=((18, 0), (21, 5), (21, 25), (1, 20)),
            rating_sd=0.6,
            home_edge=0.12,
            spread_scale=1 / 6.5,
            total_mean=44.5,
            total_sd=3.5,
            total_lines=(),
            total_scale=0.08,
        ),
        Tournament(
            "americanfootball_ncaaf",
            "NCAAF",
            "USA",
            words(
                "Ridgewood State, Lakeshore Tech, Pine Valley, Westbrook State, Eastfield, "
                "Northgate, Silver Creek, Stonebridge State, Red Mesa, Cedar Falls Tech, "
                "Bayview, Highland State, Iron Range, Clearwater, Granite Peak, Southport State"
            ),
            nicknames=words(
                "Bobcats, Mustangs, Owls, Hornets, Bulldogs, Cougars, Falcons, Rams, Panthers, "
                "Spartans, Wildcats, Tigers, Eagles, Knights, Pirates, Badgers"
            ),
            kickoffs=((16, 0), (19, 30), (23, 0), (0, 30)),
            rating_sd=0.9,
            home_edge=0.2,
            spread_scale=1 / 7,
            total_mean=54.0,
            total_sd=6.0,
            total_lines=(),
            total_scale=0.07,
        ),
    ),
)
SPORTS = (SOCCER, BASKETBALL, ICEHOCKEY, AMERICANFOOTBALL)
TOURNAMENTS = [(sport, t) for sport in SPORTS for t in sport.tournaments]
TEAMS = 16  # per tournament: every place list above has 16 entries
