"""The command line: ``arxiv-daily`` opens the reader, ``arxiv-daily digest`` prints a day,
``fetch`` fills the day cache ahead (for cron), ``export`` writes papers as Markdown, BibTeX or
JSON, ``library`` imports the user's own papers (BibTeX, CSL JSON) for recommendations.

``digest`` must stay light: nothing here imports Textual; the app is imported only to run it.
Expected failures end with one line on stderr, never a traceback: exit 2 for what the user typed,
exit 1 for what the network or the disk did.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from tui import __version__
from tui.adapters.sample import SAMPLE_DATE
from tui.core.follow import DEFAULT_FOLLOW
from tui.core.listing import parse_listing_date
from tui.core.taxonomy import parse_categories
from tui.core.words import count_papers
from tui.options import Options
from tui.paths import BadPathSetting

if TYPE_CHECKING:
    from tui.adapters.library import LibraryStore
    from tui.config import Config, ConfigError
    from tui.core.calendar import Calendar
    from tui.core.filters import Match
    from tui.core.follow import KeywordProfile
    from tui.core.paper import Day, Paper

PROG = "arxiv-daily"
EXPORT_FORMATS = ("markdown", "bibtex", "json")
MAX_FETCH_DAYS = 60


class CommandError(Exception):
    """An expected failure: ``str`` is the one line to print, ``code`` the exit status."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


def _add_day_options(parser: argparse.ArgumentParser, *, inherited: bool) -> None:
    # In the sub-command, options default to "not given" so that values given before the
    # sub-command name (arxiv-daily --demo digest) are not overwritten.
    default = argparse.SUPPRESS if inherited else None
    parser.add_argument(
        "--date",
        metavar="YYYY-MM-DD",
        default=default,
        help="the listing day, as arXiv's /new page dates it (default: the newest one)",
    )
    parser.add_argument(
        "--category",
        metavar="CATS",
        default=default,
        help="comma-separated categories, e.g. cs.LG,cs.CV (default: the followed ones)",
    )
    parser.add_argument(
        "--keyword",
        metavar="WORDS",
        default=default,
        help="comma-separated keywords, any of which a paper must contain (case-insensitive)",
    )
    parser.add_argument(
        "--profile",
        metavar="NAME",
        default=default,
        help="a keyword profile or saved search of the settings, by name "
        "(default: default_profile there)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        default=default if inherited else False,
        help=f"use the bundled sample day ({SAMPLE_DATE.isoformat()}) instead of arXiv",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="A keyboard-driven reader for the daily arXiv listings.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    _add_day_options(parser, inherited=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    digest = commands.add_parser(
        "digest",
        help="print a day's matching papers as Markdown or JSON",
        description="Print the papers of one listing day that match the categories and keywords.",
    )
    _add_day_options(digest, inherited=True)
    digest.add_argument(
        "--format",
        choices=("markdown", "json"),
        default="markdown",
        help="output format (default: markdown)",
    )
    _add_rank_option(digest)
    config = commands.add_parser(
        "config",
        help="show the settings file (created with comments on first run)",
        description="Print the settings file, or with --path only where it is.",
    )
    config.add_argument("--path", action="store_true", help="print only the file's path")
    _add_fetch_parser(commands)
    _add_export_parser(commands)
    _add_library_parser(commands)
    commands.add_parser(
        "tags",
        help="list the tags given to papers (with #, in the reader) and how many have each",
        description=(
            "Print each tag and each collection (thesis for thesis/ch2) with the number of "
            "papers that have it, one a line; `export --tag NAME` writes them out."
        ),
    )
    return parser


def _add_fetch_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    fetch = commands.add_parser(
        "fetch",
        help="fetch listing days into the cache ahead of reading (for cron)",
        description=(
            "Fetch the listing of the followed categories for a day and the days before it "
            "into the cache, so that the reader opens them without waiting. One line per day; "
            "exit status 1 if any day could not be fetched."
        ),
    )
    fetch.add_argument(
        "--date",
        metavar="YYYY-MM-DD",
        default=argparse.SUPPRESS,
        help="the newest listing day to fetch (default: the newest one announced)",
    )
    fetch.add_argument(
        "--days",
        metavar="N",
        type=int,
        default=1,
        help="how many listing days, counting back from --date (default: 1)",
    )
    fetch.add_argument(
        "--category",
        metavar="CATS",
        default=argparse.SUPPRESS,
        help="comma-separated categories (default: the followed ones)",
    )
    fetch.add_argument(
        "--refresh",
        action="store_true",
        help="fetch again days that are cached already",
    )


def _add_export_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    export = commands.add_parser(
        "export",
        help="write a day's matching papers, or the starred ones, as Markdown, BibTeX or JSON",
        description=(
            "Print the papers of one listing day that match the categories and keywords (as "
            "digest chooses them), or with --starred every starred paper kept in the day cache."
        ),
    )
    _add_day_options(export, inherited=True)
    export.add_argument(
        "--starred",
        action="store_true",
        help="the starred papers of every cached day instead of one day's",
    )
    export.add_argument(
        "--tag",
        metavar="NAME",
        help=(
            "the papers of every cached day with this tag (given in the reader with #), or "
            "with a tag in this collection (--tag thesis: thesis/ch2 too); with --starred, "
            "the starred ones among them"
        ),
    )
    export.add_argument(
        "--format",
        choices=EXPORT_FORMATS,
        default="markdown",
        help="output format (default: markdown)",
    )
    _add_rank_option(export)


def _add_rank_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rank",
        action="store_true",
        help=(
            "order the papers by the recommendation model (learnt from your stars, your "
            "imported library and the papers you read and did not star); JSON gives each "
            "its score, 0 to 1"
        ),
    )


def _add_library_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    library = commands.add_parser(
        "library",
        help="import your own library (BibTeX, Zotero CSL JSON) to start recommendations from",
        description=(
            "Your own papers, read from BibTeX or CSL JSON files (e.g. a Zotero export), are "
            "used as examples of what you like; recent additions weigh more."
        ),
    )
    actions = library.add_subparsers(dest="library_command", metavar="ACTION", required=True)
    add = actions.add_parser(
        "import",
        help="read a BibTeX or CSL JSON file (replacing an earlier import of the same name)",
        description=(
            "Read a BibTeX file or a CSL JSON export and keep its papers: arXiv ids from eprint, "
            "arxiv, doi (10.48550/arXiv.…), url, note, journal (arXiv:…) or CSL JSON URL, DOI, "
            "number, archive_location and note; papers without one by title. A file of the "
            "same name imported before is replaced; a malformed file imports nothing."
        ),
    )
    add.add_argument("file", metavar="FILE", help="a .bib or CSL JSON file")
    listing = actions.add_parser("list", help="show the imported files (or their papers)")
    listing.add_argument("--papers", action="store_true", help="one line per paper, with weight")
    forget = actions.add_parser("forget", help="drop the papers an imported file brought")
    forget.add_argument("file", metavar="FILE", help="the file's name (as `library list` shows)")


def _parse_keywords(text: str | None) -> tuple[str, ...] | None:
    if text is None:
        return None
    # Matching ignores case, so "LoRA" after "lora" would only repeat it.
    by_case: dict[str, str] = {}
    for part in text.split(","):
        if part.strip():
            by_case.setdefault(part.strip().casefold(), part.strip())
    keywords = tuple(by_case.values())
    if not keywords:
        raise CommandError(f"no keyword given: {text!r}")
    return keywords


def _parse_date(text: str | None, demo: bool) -> date | None:
    if text is None:
        return None
    try:
        day = parse_listing_date(text)
    except ValueError as error:
        raise CommandError(str(error)) from None
    if demo:
        if day != SAMPLE_DATE:
            raise CommandError(f"--demo has only the sample day {SAMPLE_DATE.isoformat()}")
        return day
    try:
        return calendar().check(day)
    except ValueError as error:
        raise CommandError(str(error)) from None


def _parse_categories(text: str | None) -> tuple[str, ...] | None:
    if text is None:
        return None
    try:
        return parse_categories(text)
    except ValueError as error:
        raise CommandError(str(error)) from None


def options_from(args: argparse.Namespace) -> Options:
    """Check what was typed and turn it into Options; CommandError (exit 2) otherwise."""
    demo = bool(args.demo)
    profile = getattr(args, "profile", None)
    if profile is not None and args.keyword is not None:
        raise CommandError("give --keyword or --profile, not both")
    return Options(
        date=_parse_date(args.date, demo),
        categories=_parse_categories(args.category),
        keywords=_parse_keywords(args.keyword),
        demo=demo,
        profile=profile,
    )


def named_profile(options: Options, config: Config | None) -> KeywordProfile | None:
    """The profile or saved search ``--profile`` names (None without it); CommandError (exit 2)
    naming the known ones if the settings have no such name."""
    if options.profile is None:
        return None
    follow = config.follow if config is not None else DEFAULT_FOLLOW
    found = follow.profile(options.profile)
    if found is None:
        profiles = ", ".join(p.name for p in follow.profiles if not p.query) or "none"
        searches = ", ".join(p.name for p in follow.profiles if p.query) or "none"
        raise CommandError(
            f"no profile or saved search named {options.profile!r} in the settings "
            f"(profiles: {profiles}; saved searches: {searches})"
        )
    return found


# ---------------------------------------------------------------- digest


def load_day(day: date, categories: Sequence[str]) -> Day:
    """The day from the local archive, or fetched from arXiv (and then kept)."""
    from tui.adapters.day_cache import DayCache, worth_fetching
    from tui.adapters.sources.day_loader import DayLoader
    from tui.adapters.sources.web import FetchError

    try:
        cache: DayCache | None = DayCache()
    except OSError as error:
        _warn(f"the day cache is unavailable ({error}); fetching without it")
        cache = None
    cached = cache.load(day, tuple(categories)) if cache is not None else None
    if cache is not None:
        for notice in cache.notices:
            _warn(notice)
    if cached is not None and not worth_fetching(cached, datetime.now(UTC), calendar()):
        return cached
    if sys.stderr.isatty():
        _warn(f"fetching {day.isoformat()} ({', '.join(categories)}) from arXiv…")
    try:
        loaded = DayLoader(calendar=calendar()).fetch(day, categories)
    except ValueError as error:  # a malformed ARXIV_DAILY_* setting, or no listing that day
        raise CommandError(str(error)) from None
    except FetchError as error:
        if cached is not None:
            _warn(f"showing the kept copy: {error}")
            return cached
        raise CommandError(str(error) or "fetching from arXiv failed", code=1) from None
    for warning in loaded.warnings:
        _warn(warning)
    if cache is not None:
        try:
            cache.save(loaded.day)
        except OSError as error:
            _warn(f"could not keep the day in the cache: {error}")
    return loaded.day


def calendar() -> Calendar:
    """arXiv's calendar with the user's own holidays (``holidays.txt`` in the config dir)."""
    from tui.core.calendar import default_calendar

    return default_calendar()


def _check_endpoints() -> None:
    """The ARXIV_DAILY_* addresses and intervals, before anything is asked: exit 2 if bad."""
    from tui.adapters.sources.settings import check_settings

    try:
        check_settings()
    except ValueError as error:
        raise CommandError(str(error)) from None


def _use_user_holidays() -> None:
    """Read ``holidays.txt`` from the config dir, if there is one: the days arXiv has said it
    will not announce in years its own table does not cover yet. A bad line: exit 2."""
    from tui.core.calendar import parse_holidays, use_user_holidays
    from tui.paths import config_dir

    path = config_dir() / "holidays.txt"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return
    except UnicodeDecodeError as error:
        raise CommandError(f"{path}: not UTF-8 text ({error.reason})") from None
    except OSError as error:
        raise CommandError(f"{path}: cannot be read ({error.strerror or error})", code=1) from None
    try:
        use_user_holidays(parse_holidays(text))
    except ValueError as error:
        raise CommandError(f"{path}: {error}") from None


def _warn(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr)


def select(
    day: Day,
    categories: Sequence[str],
    keywords: Sequence[str] | None,
    exclude: Sequence[str] = (),
) -> list[Match]:
    """The day's papers in any of ``categories`` that match any keyword (all, without keywords),
    chosen as the reader's list chooses them (DayIndex)."""
    from tui.core.filters import DayIndex, Query
    from tui.core.follow import KeywordProfile

    profile = (
        None if keywords is None else KeywordProfile("digest", tuple(keywords), tuple(exclude))
    )
    query = Query(categories=frozenset(categories), profile=profile, text="")
    return list(DayIndex(day.papers).view(query, (), ()).matches)


def digest_profile(options: Options, config: Config | None) -> KeywordProfile | None:
    """--keyword or --profile; otherwise the configured default profile (a keyword profile or
    a saved search); otherwise no keyword filter."""
    from tui.core.follow import KeywordProfile

    if options.keywords:
        return KeywordProfile("--keyword", options.keywords)
    if options.profile is not None:
        return named_profile(options, config)
    if config is not None:
        return config.follow.profile(config.follow.default_profile)
    return None


@dataclass(frozen=True, slots=True)
class Chosen:
    """A day's papers as ``digest`` and ``export`` choose them."""

    day: Day
    categories: tuple[str, ...]
    keywords: tuple[str, ...] | None
    matches: list[Match]


def choose_papers(options: Options, config: Config | None) -> Chosen:
    """The listing day (sample, cache or arXiv) narrowed to the categories and the profile."""
    follow = config.follow if config is not None else DEFAULT_FOLLOW
    categories = tuple(options.categories or follow.categories)
    if options.demo:
        from tui.adapters.sample import load_sample_day

        # As arXiv lists the sample's categories asked for: a cs.CV paper on cs.AI is a cross-list.
        day = load_sample_day().narrowed_to(categories)
    else:
        day = load_day(options.date or calendar().latest_listing_day(), categories)
    profile = digest_profile(options, config)
    if profile is not None and profile.query:  # a saved search: its query names it
        matches = select_saved(day.papers, categories, profile)
        return Chosen(day, categories, (profile.query,), matches)
    keywords = profile.keywords if profile else None
    matches = select(day, categories, keywords, profile.exclude if profile else ())
    return Chosen(day, categories, keywords, matches)


def select_saved(
    papers: Sequence[Paper], categories: Sequence[str] | None, search: KeywordProfile
) -> list[Match]:
    """The papers in any of ``categories`` (None: all) that the saved search matches, chosen as
    the reader's list chooses them (its ``is:read``, ``is:unread``, ``is:starred`` asked of the
    flag store, read only)."""
    from tui.core.filters import DayIndex, Query
    from tui.core.query import QueryIndex, asks_the_flags
    from tui.core.saved_search import saved_query

    expr = saved_query(search.query)
    index = DayIndex(papers)
    facts = _store_facts([p.id for p in papers]) if asks_the_flags(expr) else _NoFlags()
    positions = QueryIndex(papers, index.search_texts()).positions(expr, facts)
    wanted = frozenset(categories) if categories is not None else None
    query = Query(categories=wanted, profile=search, searched=positions)
    return list(index.view(query, (), ()).matches)


class _NoFlags:
    """Nothing read, nothing starred."""

    def is_read(self, paper_id: str) -> bool:
        return False

    def is_starred(self, paper_id: str) -> bool:
        return False


class _StoreFacts:
    def __init__(
        self,
        read: set[str],
        starred: set[str],
        tagged: Mapping[str, tuple[str, ...]] | None = None,
    ) -> None:
        self.read, self.starred, self.tagged = read, starred, tagged or {}

    def is_read(self, paper_id: str) -> bool:
        return paper_id in self.read

    def is_starred(self, paper_id: str) -> bool:
        return paper_id in self.starred

    def tags(self, paper_id: str) -> tuple[str, ...]:
        """``tag:`` and ``is:tagged`` of a saved search."""
        return self.tagged.get(paper_id, ())


def _store_facts(ids: Sequence[str]) -> _StoreFacts:
    """The flags of these papers, as the flag store has them (exit 1 if it cannot be read)."""
    from tui.adapters.store import FlagStore

    try:
        with FlagStore(read_only=True) as store:  # a reading command changes nothing
            flags = [store.get(paper_id) for paper_id in ids]
            notices = list(store.notices)
    except OSError as error:
        raise CommandError(f"cannot read the read and starred marks: {error}", code=1) from None
    for notice in notices:
        _warn(notice)
    tagged = {f.id: f.tags for f in flags if f.tags}
    return _StoreFacts({f.id for f in flags if f.read}, {f.id for f in flags if f.starred}, tagged)


def run_digest(
    options: Options, output_format: str, config: Config | None = None, *, rank: bool = False
) -> str:
    from tui.core.render import digest_json, digest_markdown

    chosen = choose_papers(options, config)
    day, matches, keywords = chosen.day, chosen.matches, chosen.keywords
    scores = None
    if rank:
        matches, scores = rank_matches(day.papers, matches)
    if output_format == "json":
        data = digest_json(day.date, matches, day.provenance, scores=scores)
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return digest_markdown(day.date, matches, keywords or (), day.provenance)


def rank_matches(
    day_papers: tuple[Paper, ...], matches: Sequence[Match]
) -> tuple[list[Match], dict[str, float]]:
    """The matches ordered by the recommendation model (best first; ties keep the day's order),
    with each paper's relevance, 0 to 1, for the JSON."""
    from tui.adapters.ranking_inputs import learning_from_disk
    from tui.core.recommend import Model

    try:
        learned = learning_from_disk(day_papers)
    except OSError as error:
        raise CommandError(f"cannot read what to rank by: {error}", code=1) from None
    for notice in learned.notices:
        _warn(notice)
    if not learned.positives:
        _warn("nothing to rank by: star papers in the reader, or `library import` a file")
        return list(matches), {m.paper.id: 0.0 for m in matches}
    model = Model.train(day_papers, learned.positives, learned.negatives, learned.weights)
    scores = model.scores([m.paper for m in matches])
    relevance = model.relevance(scores)
    order = sorted(range(len(matches)), key=lambda i: -scores[i])
    ranked = [matches[i] for i in order]
    return ranked, {matches[i].paper.id: round(relevance[i], 4) for i in order}


def load_settings() -> Config:
    """The settings file, written with comments on first run; CommandError (exit 2) if bad."""
    from tui.config import ConfigError, load_config

    try:
        return load_config()
    except ConfigError as error:
        raise _config_failure(error) from None


def _config_failure(error: ConfigError) -> CommandError:
    """Exit 2 for what the file says, 1 when the disk would not read or write it."""
    return CommandError(str(error), code=1 if error.disk else 2)


def run_config(path_only: bool) -> str:
    from tui.config import ConfigError, config_path, ensure_config_file

    try:
        path = ensure_config_file()
    except ConfigError as error:
        if not (path_only and error.disk):
            raise _config_failure(error) from None
        # Where the file is (or would be) is still the answer: said, with why it is not there.
        _warn(str(error))
        return f"{config_path()}\n"
    if path_only:
        return f"{path}\n"
    load_settings()  # a broken file says so, with its line, before being shown
    return path.read_text(encoding="utf-8")


def _write(text: str) -> int:
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`| head`): say nothing more, and keep Python's exit quiet too.
        _silence_stdout()
        return 1
    except OSError as error:  # e.g. `> file` on a full disk
        from tui.adapters.atomic import os_reason

        _silence_stdout()
        raise CommandError(f"could not write the output: {os_reason(error)}", code=1) from None
    return 0


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that Python's flush at exit does not fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


# ---------------------------------------------------------------- fetch


def fetch_days(newest: date, days: int) -> list[date]:
    """``newest`` and the ``days - 1`` listing days before it, newest first."""
    found = [newest]
    while len(found) < days:
        found.append(calendar().previous_listing_day(found[-1]))
    return found


def run_fetch(options: Options, days: int, config: Config, *, refresh: bool = False) -> int:
    """Fetch each day into the local archive, one line per day on stdout; 1 if any failed.

    A day kept exactly as announced is never fetched again (unless ``refresh``); a
    reconstructed one is fetched again while arXiv's pages still have it (90 days).
    """
    from tui.adapters.day_cache import DayCache, worth_fetching
    from tui.adapters.sources.day_loader import DayLoader
    from tui.adapters.sources.web import FetchError

    if options.demo:
        raise CommandError("--demo has nothing to fetch: the sample day is part of the program")
    if options.keywords is not None:
        raise CommandError("fetch takes no --keyword: a day is fetched whole")
    if options.profile is not None:
        raise CommandError("fetch takes no --profile: a day is fetched whole")
    if not 1 <= days <= MAX_FETCH_DAYS:
        raise CommandError(f"--days must be between 1 and {MAX_FETCH_DAYS}, not {days}")
    categories = options.categories or config.follow.categories
    label = ",".join(categories)
    try:
        cache = DayCache()
    except OSError as error:
        raise CommandError(f"the day cache is unavailable: {error}", code=1) from None
    loader = DayLoader(calendar=calendar())
    failed = False
    for day in fetch_days(options.date or loader.calendar.latest_listing_day(), days):
        cached = None if refresh else cache.load(day, categories)
        for notice in cache.notices:
            _warn(notice)
        cache.notices.clear()
        if not worth_fetching(cached, loader.now(), loader.calendar):
            assert cached is not None
            line = f"{count_papers(len(cached.papers))} (cached, {_how(cached)})"
        else:
            try:
                loaded = loader.fetch(day, categories)
            except ValueError as error:  # a malformed ARXIV_DAILY_* setting
                raise CommandError(str(error)) from None
            except FetchError as error:
                failed = True
                line = f"not fetched: {str(error) or 'fetching from arXiv failed'}"
            else:
                fetched = loaded.day
                line = f"{count_papers(len(fetched.papers))} (fetched, {_how(fetched)})"
                for warning in loaded.warnings:
                    _warn(f"{day.isoformat()}: {warning}")
                try:
                    cache.save(fetched)
                except OSError as error:
                    failed = True
                    line = f"{count_papers(len(fetched.papers))} fetched but not cached: {error}"
        if _write(f"{day.isoformat()}  {label}  {line}\n"):
            return 1
    return 1 if failed else 0


def _how(day: Day) -> str:
    provenance = day.provenance
    if provenance.exact:
        return f"as announced, {provenance.origin or provenance.source}"
    return "reconstructed"


# ---------------------------------------------------------------- export


def _export_text(
    matches: Sequence[Match],
    output_format: str,
    title: str,
    scores: Mapping[str, float] | None = None,
) -> str:
    from tui.core.export import export_json, export_markdown, to_bibtex

    if output_format == "bibtex":
        return to_bibtex([m.paper for m in matches])
    if output_format == "json":
        return export_json(matches, title, scores=scores)
    return export_markdown(title, matches)


def _export_title(label: str, categories: Sequence[str], keywords: Sequence[str] | None) -> str:
    title = f"{label} ({', '.join(categories)})" if categories else label
    if keywords:
        title += f" matching {', '.join(keywords)}"
    return title


def run_export(
    options: Options,
    output_format: str,
    config: Config | None = None,
    *,
    starred: bool = False,
    rank: bool = False,
    tag: str | None = None,
) -> str:
    """The day's matching papers (as ``digest`` chooses them), or the starred ones, or those
    with a tag, as text."""
    if tag is not None:
        if rank:
            raise CommandError("--rank orders one day's papers: leave out --tag")
        return _export_tagged(options, output_format, tag, config, starred=starred)
    if starred:
        if rank:
            raise CommandError("--rank orders one day's papers: leave out --starred")
        return _export_starred(options, output_format, named_profile(options, config))
    chosen = choose_papers(options, config)
    when = chosen.day.date.isoformat()
    if not chosen.matches:
        _warn(f"no papers of {when} to export")
    title = _export_title(f"arXiv {when}", chosen.categories, chosen.keywords)
    matches, scores = list(chosen.matches), None
    if rank:
        matches, scores = rank_matches(chosen.day.papers, matches)
    return _export_text(matches, output_format, title, scores)


def _kept_papers(
    ids: Sequence[str],
    found: Mapping[str, Paper],
    options: Options,
    profile: KeywordProfile | None,
    kept_as: str,
) -> tuple[list[Match], tuple[str, ...] | None]:
    """The papers of ``ids`` (starred, tagged: ``kept_as``) found in the day cache, in that
    order, narrowed by --category and --keyword (or --profile: a keyword profile or saved
    search); and the keywords the export's title names. Those not found are warned of."""
    from tui.core.filters import Match, matched_keywords

    missing = [paper_id for paper_id in ids if paper_id not in found]
    if missing:
        shown = ", ".join(missing[:5]) + (", …" if len(missing) > 5 else "")
        _warn(f"{count_papers(len(missing))} {kept_as} but not in the day cache, left out: {shown}")
    wanted = set(options.categories) if options.categories else None
    keywords = options.keywords
    exclude: tuple[str, ...] = ()
    if profile is not None and not profile.query:
        keywords, exclude = profile.keywords, profile.exclude
    matches: list[Match] = []
    for paper_id in ids:
        paper = found.get(paper_id)
        if paper is None or (wanted is not None and wanted.isdisjoint(paper.categories)):
            continue
        hits: tuple[str, ...] = ()
        if keywords:
            hits = matched_keywords(paper, keywords, exclude)
            if not hits:
                continue
        matches.append(Match(paper, hits))
    if profile is not None and profile.query:
        matches = select_saved([m.paper for m in matches], None, profile)
        keywords = (profile.query,)
    return matches, keywords


def _export_starred(
    options: Options, output_format: str, profile: KeywordProfile | None = None
) -> str:
    """Every starred paper in the day cache, the most recently starred first; --category and
    --keyword (or --profile: a keyword profile or saved search) narrow them."""
    from tui.adapters.day_cache import DayCache
    from tui.adapters.store import FlagStore

    if options.date is not None or options.demo:
        raise CommandError("--starred takes papers from every day: leave out --date and --demo")
    try:
        with FlagStore(read_only=True) as store:  # a reading command changes nothing
            ids = [flag.id for flag in store.starred()]
            notices = list(store.notices)
        cache = DayCache()
        found = cache.find(ids)
        notices += cache.notices
    except OSError as error:
        raise CommandError(f"cannot read the starred papers: {error}", code=1) from None
    for notice in notices:
        _warn(notice)
    matches, keywords = _kept_papers(ids, found, options, profile, "starred")
    if not matches:
        _warn("no starred papers to export")
    title = _export_title("Starred arXiv papers", options.categories or (), keywords)
    return _export_text(matches, output_format, title)


# ---------------------------------------------------------------- tags


def _read_tags() -> tuple[dict[str, tuple[str, ...]], list[str]]:
    """Every tagged paper's tags, and the flag store's notices (exit 1 if it cannot be read)."""
    from tui.adapters.store import FlagStore

    try:
        with FlagStore(read_only=True) as store:  # a reading command changes nothing
            return store.tagged(), list(store.notices)
    except OSError as error:
        raise CommandError(f"cannot read the tags: {error}", code=1) from None


def _starred_ids() -> list[str]:
    from tui.adapters.store import FlagStore

    try:
        with FlagStore(read_only=True) as store:
            return [flag.id for flag in store.starred()]
    except OSError as error:
        raise CommandError(f"cannot read the starred papers: {error}", code=1) from None


def run_tags() -> str:
    """``arxiv-daily tags``: each tag and collection, and how many papers have it."""
    from tui.core.tags import tag_counts

    tagged, notices = _read_tags()
    for notice in notices:
        _warn(notice)
    counts = tag_counts(tagged.values())
    if not counts:
        _warn("no paper is tagged yet: # in the reader tags the highlighted paper")
        return ""
    width = max(len(name) for name in counts)
    return "".join(f"{name:<{width}}  {count}\n" for name, count in counts.items())


def _export_tagged(
    options: Options,
    output_format: str,
    name: str,
    config: Config | None,
    *,
    starred: bool = False,
) -> str:
    """The papers in the day cache with the tag ``name`` (or one in that collection), newest
    first (the most recently starred first, with --starred: only the starred ones); --category
    and --keyword (or --profile) narrow them. An unknown tag: exit 2, naming the tags."""
    from tui.adapters.day_cache import DayCache
    from tui.core.tags import TagError, has_tag, known_tags, normalise_tag

    if options.date is not None or options.demo:
        raise CommandError("--tag takes papers from every day: leave out --date and --demo")
    try:
        tag = normalise_tag(name)
    except TagError as error:
        raise CommandError(f"--tag: {error}") from None
    tagged, notices = _read_tags()
    ids = sorted((i for i, tags in tagged.items() if has_tag(tags, tag)), reverse=True)
    if not ids:
        known = ", ".join(known_tags(tagged))
        raise CommandError(
            f"no paper is tagged {tag!r} (tags: {known})"
            if known
            else f"no paper is tagged {tag!r}: no paper is tagged yet (# in the reader)"
        )
    if starred:
        having = set(ids)
        ids = [paper_id for paper_id in _starred_ids() if paper_id in having]
    try:
        cache = DayCache()
        found = cache.find(ids)
        notices += cache.notices
    except OSError as error:
        raise CommandError(f"cannot read the day cache: {error}", code=1) from None
    for notice in notices:
        _warn(notice)
    profile = named_profile(options, config)
    matches, keywords = _kept_papers(ids, found, options, profile, f"tagged {tag}")
    what = "starred and tagged" if starred else "tagged"
    if not matches:
        _warn(f"no {what} {tag} papers to export")
    title = _export_title(f"arXiv papers {what} {tag}", options.categories or (), keywords)
    return _export_text(matches, output_format, title)


# ---------------------------------------------------------------- library

MAX_LIBRARY_BYTES = 200 * 1024 * 1024


def run_library(args: argparse.Namespace) -> int:
    if args.library_command == "import":
        return _write(library_import(Path(args.file)) + "\n")
    if args.library_command == "forget":
        return _write(library_forget(args.file) + "\n")
    return _write(library_list(papers=args.papers))


def _library_store() -> LibraryStore:
    from tui.adapters.library import LibraryStore

    return LibraryStore()


def _read_library_text(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_LIBRARY_BYTES + 1)
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        raise CommandError(f"{path}: no such file") from None
    except OSError as error:
        from tui.adapters.atomic import os_reason

        raise CommandError(f"{path}: cannot be read ({os_reason(error)})", code=1) from None
    if len(data) > MAX_LIBRARY_BYTES:
        raise CommandError(f"{path}: larger than {MAX_LIBRARY_BYTES // 2**20} MB; not a library?")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        bad = data[error.start : error.start + 1].hex()
        raise CommandError(f"{path.name} line {line}: not UTF-8 text (byte 0x{bad})") from None


def library_import(path: Path) -> str:
    """Import ``path``: the one-line summary; CommandError 2 if malformed (nothing kept), 1 if
    the disk fails."""
    from tui.adapters.atomic import os_reason
    from tui.core.library_file import LibraryFileError, parse_library, summary
    from tui.core.paper import one_line

    name = path.name
    text = _read_library_text(path)
    try:
        read = parse_library(text, name=name)
    except LibraryFileError as error:
        raise CommandError(str(error)) from None
    store = _library_store()
    try:
        previous = store.replace(name, read.items)
    except OSError as error:
        raise CommandError(f"could not save the library: {os_reason(error)}", code=1) from None
    for notice in store.notices:
        _warn(notice)
    line = f"imported {summary(read, one_line(name))}"
    if previous is not None:
        line += f", replacing the {count_papers(len(previous.items))} of its earlier import"
    return line


def library_forget(written: str) -> str:
    from tui.adapters.atomic import os_reason

    name = Path(written).name
    store = _library_store()
    try:
        dropped = store.forget(name)
    except OSError as error:
        raise CommandError(f"could not save the library: {os_reason(error)}", code=1) from None
    for notice in store.notices:
        _warn(notice)
    if dropped is None:
        known = ", ".join(f.name for f in store.files()) or "none"
        raise CommandError(f"no import named {name} (imported: {known})")
    return f"forgot {count_papers(len(dropped.items))} from {name}"


def library_list(*, papers: bool) -> str:
    from tui.adapters.library import positives
    from tui.core.paper import one_line

    store = _library_store()
    files = store.files()
    for notice in store.notices:
        _warn(notice)
    if not files:
        return "no library imported (arxiv-daily library import FILE)\n"
    if papers:
        lines = []
        for paper in sorted(positives(files), key=lambda p: -p.weight):
            added = paper.added.date().isoformat() if paper.added else "-"
            lines.append(
                f"{paper.arxiv_id or '-':<18} {paper.weight:.2f}  {added:<10}  "
                f"{paper.title}  [{one_line(', '.join(paper.sources))}]"
            )
        return "\n".join(lines) + "\n"
    lines = []
    for imported in files:
        with_id = imported.with_id
        when = imported.imported.strftime("%Y-%m-%d %H:%M UTC")
        count = count_papers(len(imported.items))
        lines.append(
            f"{one_line(imported.name)}: {count} ({with_id} with an arXiv id, "
            f"{len(imported.items) - with_id} by title only), imported {when}"
        )
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- the app


def run_reader(options: Options, config: Config) -> int:
    try:
        from tui.app.app import run_app
    except ImportError as error:
        if error.name not in {"tui.app.app", "textual"}:
            raise
        raise CommandError("the terminal reader is not part of this installation", 1) from None
    return run_app(options, config)


def _fail(error: CommandError) -> NoReturn:
    print(f"{PROG}: {error}", file=sys.stderr)
    raise SystemExit(error.code)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "config":
            return _write(run_config(args.path))
        if args.command == "library":
            return run_library(args)
        if args.command == "tags":
            return _write(run_tags())
        config = load_settings()
        _use_user_holidays()
        options = options_from(args)
        named_profile(options, config)  # a name the settings do not have: exit 2 at once
        if not options.demo:
            _check_endpoints()
        if args.command == "digest":
            return _write(run_digest(options, args.format, config, rank=args.rank))
        if args.command == "fetch":
            return run_fetch(options, args.days, config, refresh=args.refresh)
        if args.command == "export":
            return _write(
                run_export(
                    options,
                    args.format,
                    config,
                    starred=args.starred,
                    rank=args.rank,
                    tag=args.tag,
                )
            )
        return run_reader(options, config)
    except CommandError as error:
        _fail(error)
    except BadPathSetting as error:
        _fail(CommandError(str(error)))
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
