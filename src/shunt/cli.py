"""Command-line wiring: thin typer commands that call diagnose and render.

Heavy modules (store, engine, rich) are imported inside the commands so that
`shunt --help` costs little more than importing typer.
"""

import sys
from pathlib import Path
from typing import List, Optional

import typer

from shunt.cli_lang import LangCommand, LangGroup
from shunt.cli_options import (
    DbOpt, JsonOpt, LangOpt, MaskOpt, NoColorOpt, NoPagerOpt, OutputOpt, ShopOpt, csv_opt, db_path, fail, path_exists,
    print_version, run,
)
from shunt.errors import UsageError
from shunt.i18n import N_, _, listing

app = typer.Typer(
    name="shunt",
    cls=LangGroup,
    help=N_(
        "Explain customer-service routing (分流): load the platform's routing logs into SQLite, "
        "then ask why a buyer landed where they did, why an account is silent, or why it received a message.\n\n"
        "Example:\n\n  shunt demo\n\n  shunt load day.jsonl.gz\n\n  shunt trace tb_buyer05 --date 2026-11-11"
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

@app.callback()
def _options(
    _version_opt: bool = typer.Option(False, "--version", "-V", callback=print_version, is_eager=True,
                                      help=N_("Print shunt's version and exit.")),
    no_color: bool = typer.Option(False, "--no-color", help=N_("No colors nor styles, for every command (as NO_COLOR).")),
    _lang: Optional[str] = LangOpt,
    no_pager: bool = typer.Option(False, "--no-pager", help=N_("No pager for long output, for every command.")),
) -> None:
    """Explain customer-service routing (分流)."""
    from shunt.render.pager import set_no_pager
    from shunt.render.text import set_no_color, tolerant_output

    tolerant_output()
    set_no_color(no_color)  # a command's own --no-color (parsed after this) may still turn it on
    set_no_pager(no_pager)


@app.command(cls=LangCommand, help=N_(
    "Load routing logs into the database. Idempotent: loading a file twice adds nothing.\n"
    "\n"
    "\b\n"
    "Example: shunt load day.jsonl.gz --db shop.db"))
def load(
    files: List[Path] = typer.Argument(..., help=N_("JSON Lines routing logs (.jsonl, .gz; UTF-8, BOM or GB18030).")),
    db: Optional[Path] = DbOpt,
    encoding: Optional[str] = typer.Option(None, "--encoding", help=N_("Force an encoding (utf-8, gb18030, ...).")),
    strict: bool = typer.Option(False, "--strict", help=N_("Load nothing from a file that has a bad line.")),
    tz: Optional[str] = typer.Option(None, "--tz", help=N_("Time zone for local times without offset (default: the shop's).")),
    check: bool = typer.Option(False, "--check", help=N_(
        "Check the whole database for damage first (done anyway unless it is as the last load left it).")),
    json_out: bool = JsonOpt,
    _no_color: bool = NoColorOpt,
    _lang: Optional[str] = LangOpt,
) -> None:
    from shunt.commands import load as cmd

    missing = [f for f in files if not path_exists(f)]
    if missing:  # a bad path is a usage error (exit 2), as a missing --config file
        from shunt.render.text import plain

        fail(UsageError(_("no such file: {files}").format(files=listing(plain(f) for f in missing))))
    code = run(cmd.run, db_path(db), files, encoding=encoding, strict=strict, tz=tz, as_json=json_out, check=check)
    raise typer.Exit(code or 0)


@app.command(cls=LangCommand, help=N_(
    "A buyer's routing history on a date: each node's source, reason, agent, group and replay verdict.\n"
    "\n"
    "\b\n"
    "Example: shunt trace tb_buyer05 --date 2026-11-11 --node c-0061"))
def trace(
    buyer: str = typer.Argument(..., help=N_("The buyer's nick.")),
    date: Optional[str] = typer.Option(None, "--date", "-d", help=N_("Calendar date in the shop's zone: 2026-11-11, 11/11/2026, today, yesterday (default: the --node's date, else the shop's latest day with consults).")),
    node: Optional[str] = typer.Option(None, "--node", "-n", help=N_("Show one node's whole routing process (consult id).")),
    detail: bool = typer.Option(False, "--detail", help=N_("Show every node's whole routing process.")),
    db: Optional[Path] = DbOpt,
    shop: Optional[str] = ShopOpt,
    json_out: bool = JsonOpt,
    csv_out: bool = csv_opt(N_("Print the nodes, one row each as CSV on stdout (UTF-8, header row; the --json values).")),
    output: Optional[Path] = OutputOpt,
    mask: bool = MaskOpt,
    _no_color: bool = NoColorOpt,
    _lang: Optional[str] = LangOpt,
    _no_pager: bool = NoPagerOpt,
) -> None:
    from shunt.commands import trace as cmd

    run(cmd.run, db_path(db), buyer, date, shop=shop, node=node, detail=detail, as_json=json_out, mask=mask,
        as_csv=csv_out, output=output)


@app.command("why-silent", cls=LangCommand, help=N_(
    "Why an account receives no messages: its state, and where each recent consult passed it by.\n"
    "\n"
    "\b\n"
    "Example: shunt why-silent zhenpin:小丙 --at '2026-11-11 21:00'"))
def why_silent(
    account: str = typer.Argument(..., help=N_("The account, e.g. zhenpin:小王.")),
    at: Optional[str] = typer.Option(None, "--at", help=N_("Moment (default: the last loaded event of the shop's latest day with consults), e.g. '2026-11-11 21:00:00'.")),
    window: str = typer.Option("24h", "--window", "-w", help=N_("Window of consults replayed before --at (24h, 90m, 2d).")),
    html: Optional[Path] = typer.Option(None, "--html", help=N_("Also write a self-contained HTML report (the funnel, the causes) to this file.")),
    db: Optional[Path] = DbOpt,
    shop: Optional[str] = ShopOpt,
    json_out: bool = JsonOpt,
    mask: bool = MaskOpt,
    _no_color: bool = NoColorOpt,
    _lang: Optional[str] = LangOpt,
    _no_pager: bool = NoPagerOpt,
) -> None:
    from shunt.commands import silent as cmd

    run(cmd.run, db_path(db), account, at=at, window=window, shop=shop, as_json=json_out, mask=mask, html=html)


@app.command("why-received", cls=LangCommand, help=N_(
    "Why an account received a buyer's message: the node that routed it, replayed.\n"
    "\n"
    "\b\n"
    "Example: shunt why-received tb_buyer05 --at '2026-11-11 14:50:26'"))
def why_received(
    buyer: str = typer.Argument(..., help=N_("The buyer who sent the message.")),
    at: str = typer.Option(..., "--at", help=N_("The second the message was sent, e.g. '2026-11-11 10:23:45'.")),
    expected: Optional[str] = typer.Option(None, "--expected", help=N_("An account that you expected to receive it: why it did not.")),
    db: Optional[Path] = DbOpt,
    shop: Optional[str] = ShopOpt,
    json_out: bool = JsonOpt,
    mask: bool = MaskOpt,
    _no_color: bool = NoColorOpt,
    _lang: Optional[str] = LangOpt,
    _no_pager: bool = NoPagerOpt,
) -> None:
    from shunt.commands import received as cmd

    run(cmd.run, db_path(db), buyer, at=at, expected=expected, shop=shop, as_json=json_out, mask=mask)


@app.command(cls=LangCommand, help=N_(
    "Write a synthetic routing log by simulating the routing engine (for demos, tests, benchmarks).\n"
    "\n"
    "\b\n"
    "Example: shunt generate --consults 2000 --seed 7 -o day.jsonl.gz"))
def generate(
    out: Optional[Path] = typer.Option(None, "--out", "-o", help=N_("Output file (.jsonl or .jsonl.gz); default stdout.")),
    consults: int = typer.Option(10_000, "--consults", help=N_("Number of consults (total events are about 6x).")),
    agents: int = typer.Option(12, "--agents", help=N_("Number of shop agents.")),
    groups: int = typer.Option(4, "--groups", help=N_("Number of bound groups (one unbound group is added).")),
    days: int = typer.Option(1, "--days", help=N_("Days of traffic.")),
    seed: int = typer.Option(0, "--seed", help=N_("Random seed: same seed, same bytes.")),
    faults: float = typer.Option(0.0, "--faults", help=N_("Share of recorded decisions made to break the rules (0..1).")),
    start: str = typer.Option("2026-11-11", "--start", help=N_("First day.")),
    shop: str = typer.Option("zhenpin", "--shop", help=N_("Shop nick.")),
    messages: Optional[int] = typer.Option(None, "--messages", help=N_("Messages per answered consult (default: a mix, 4.4 on average).")),
    escape_json: bool = typer.Option(False, "--escape-json", help=N_("Write every non-ASCII character as \\uXXXX (as ensure_ascii exporters do).")),
    encoding: str = typer.Option("utf-8", "--encoding", help=N_("File encoding: utf-8 or gb18030.")),
    _no_color: bool = NoColorOpt,
    _lang: Optional[str] = LangOpt,
) -> None:
    from shunt.commands import generate as cmd

    run(cmd.run, out, consults=consults, agents=agents, groups=groups, days=days, seed=seed,
        faults=faults, start=start, shop=shop, messages=messages, escape_json=escape_json, encoding=encoding)


@app.command(cls=LangCommand, help=N_(
    "Load the bundled sample shop into a database of the demo's own (never yours: its path is printed on\n"
    "stderr) and answer the three questions on it; exit non-zero when an answer fails.\n"
    "\n"
    "\b\n"
    "Example: shunt demo"))
def demo(_no_color: bool = NoColorOpt, _lang: Optional[str] = LangOpt) -> None:
    from shunt.commands import demo as cmd

    run(cmd.run)


@app.command(cls=LangCommand, help=N_(
    "What the database holds: shops, time zone, first and last event, consults per day, the accounts and\n"
    "groups of the latest shop_config, and the load history.\n"
    "\n"
    "\b\n"
    "Example: shunt info --shop zhenpin"))
def info(
    db: Optional[Path] = DbOpt,
    shop: Optional[str] = typer.Option(None, "--shop", help=N_("Only this shop (default: every shop in the database).")),
    json_out: bool = JsonOpt,
    csv_out: bool = csv_opt(N_("Print the consults per day (shop, date, consults) as CSV on stdout (UTF-8, header row; the --json values).")),
    output: Optional[Path] = OutputOpt,
    _no_color: bool = NoColorOpt,
    _lang: Optional[str] = LangOpt,
    _no_pager: bool = NoPagerOpt,
) -> None:
    from shunt.commands import info as cmd

    run(cmd.run, db_path(db), shop=shop, as_json=json_out, as_csv=csv_out, output=output)


@app.command(cls=LangCommand, help=N_(
    "Remove a shop and all its events from the database, for good (asks first; --yes for scripts).\n"
    "\n"
    "\b\n"
    "Example: shunt forget zhenpin --yes --db shop.db"))
def forget(
    shop: str = typer.Argument(..., help=N_("The shop's nick (see shunt info).")),
    yes: bool = typer.Option(False, "--yes", "-y", help=N_("Do not ask for confirmation (needed without a terminal).")),
    db: Optional[Path] = DbOpt,
    json_out: bool = JsonOpt,
    _no_color: bool = NoColorOpt,
    _lang: Optional[str] = LangOpt,
) -> None:
    from shunt.commands import forget as cmd

    run(cmd.run, db_path(db), shop, yes=yes, as_json=json_out)


@app.command(cls=LangCommand, help=N_(
    "How evenly consults were spread over the accounts, and why: per account received, share, online\n"
    "hours, consults per online hour, reasons; the difference between the most and least loaded accounts\n"
    "attributed to recent contacts, group bindings, weights, online time and more (docs/balance.md).\n"
    "\n"
    "\b\n"
    "Example: shunt balance --date 2026-11-11 --html balance.html"))
def balance(
    date: Optional[str] = typer.Option(None, "--date", "-d", help=N_("Calendar date in the shop's zone (default: the latest day with consults, told on stderr).")),
    start: Optional[str] = typer.Option(None, "--from", help=N_("Start moment, e.g. '2026-11-10 00:00' (with --to).")),
    end: Optional[str] = typer.Option(None, "--to", help=N_("End moment (exclusive), e.g. '2026-11-12 00:00'.")),
    group: Optional[str] = typer.Option(None, "--group", "-g", help=N_("Only the members of this group (id or name).")),
    pair: Optional[str] = typer.Option(None, "--pair", help=N_("Compare these two accounts: 'zhenpin:阿甲,zhenpin:阿乙' (default: most vs fewest received).")),
    html: Optional[Path] = typer.Option(None, "--html", help=N_("Also write a self-contained HTML report to this file.")),
    db: Optional[Path] = DbOpt,
    shop: Optional[str] = ShopOpt,
    json_out: bool = JsonOpt,
    csv_out: bool = csv_opt(N_("Print the accounts, one row each as CSV on stdout (UTF-8, header row; the --json values).")),
    output: Optional[Path] = OutputOpt,
    mask: bool = MaskOpt,
    _no_color: bool = NoColorOpt,
    _lang: Optional[str] = LangOpt,
    _no_pager: bool = NoPagerOpt,
) -> None:
    from shunt.commands import balance as cmd

    run(cmd.run, db_path(db), date=date, start=start, end=end, group=group, pair=pair, html=html, shop=shop,
        as_json=json_out, mask=mask, as_csv=csv_out, output=output)


@app.command(cls=LangCommand, help=N_(
    "Replay a period's recorded consults against a changed configuration: how the distribution over\n"
    "accounts and groups would change, and which buyers would have landed elsewhere (and by which rule).\n"
    "\n"
    "The output starts with the change as applied (\"小丙 max_sessions 20 -> 50\"); the patched config is\n"
    "checked like a loaded shop_config (exit 2 naming the field).\n"
    "\n"
    "\b\n"
    "Example: shunt simulate --config sample_data/change-raise-limit.json --date 2026-11-11 --seed 7"))
def simulate(
    config: Path = typer.Option(..., "--config", "-c", help=N_(
        "A change file (JSON): a patch on the config in force. settings keys replace; agents merge by account, "
        "groups by id (or name), exclusive by buyer; {\"account\": ..., \"remove\": true} removes one; "
        "\"agents!\": [...] replaces a list whole. Start from `shunt config show --json`.")),
    date: Optional[str] = typer.Option(None, "--date", "-d", help=N_("Calendar date in the shop's zone (default: the latest day with consults, told on stderr).")),
    start: Optional[str] = typer.Option(None, "--from", help=N_("Start moment (with --to).")),
    end: Optional[str] = typer.Option(None, "--to", help=N_("End moment (exclusive).")),
    seed: int = typer.Option(0, "--seed", help=N_("Random seed of the sampled run: same seed, same answer.")),
    limit: int = typer.Option(50, "--limit", help=N_("Moved consults listed as examples.")),
    html: Optional[Path] = typer.Option(None, "--html", help=N_("Also write a self-contained HTML report (before/after per account, the moved flows) to this file.")),
    db: Optional[Path] = DbOpt,
    shop: Optional[str] = ShopOpt,
    json_out: bool = JsonOpt,
    csv_table: Optional[str] = typer.Option(None, "--csv", metavar="TABLE", help=N_(
        "Print a table as CSV on stdout (UTF-8, header row): accounts (before/after per account) or moved "
        "(the moved consults listed, at most --limit).")),
    output: Optional[Path] = OutputOpt,
    mask: bool = MaskOpt,
    _no_color: bool = NoColorOpt,
    _lang: Optional[str] = LangOpt,
    _no_pager: bool = NoPagerOpt,
) -> None:
    from shunt.commands import simulate as cmd

    run(cmd.run, db_path(db), config, date=date, start=start, end=end, seed=seed, limit=limit, shop=shop,
        as_json=json_out, mask=mask, as_csv=csv_table, output=output, html=html)


@app.command(cls=LangCommand, help=N_(
    "Check every routing decision of a period against the shop's settings: each node replayed as trace\n"
    "does; the ones that break the rules grouped by the recorded fact that breaks them (README: finding codes).\n"
    "\n"
    "\b\n"
    "Example: shunt audit --date 2026-11-10 --fail-on-mismatch   # exit 5: c-0040 breaks the rules"))
def audit(
    date: Optional[str] = typer.Option(None, "--date", "-d", help=N_("Calendar date in the shop's zone (default: the day of the last consult).")),
    start: Optional[str] = typer.Option(None, "--from", help=N_("Start moment, e.g. '2026-11-10 00:00' (with --to).")),
    end: Optional[str] = typer.Option(None, "--to", help=N_("End moment (exclusive).")),
    group: Optional[str] = typer.Option(None, "--group", "-g", help=N_("Only nodes of this group (id or name), recorded or replayed.")),
    account: Optional[str] = typer.Option(None, "--account", "-a", help=N_("Only nodes of this account, recorded or replayed.")),
    examples: int = typer.Option(3, "--examples", help=N_("Example consults listed per finding.")),
    fail_on_mismatch: bool = typer.Option(False, "--fail-on-mismatch", help=N_("Exit 5 when a node breaks the rules (for scheduled checks).")),
    csv_out: bool = typer.Option(False, "--csv", help=N_("Print the breaking nodes as CSV (UTF-8, header row) on stdout.")),
    output: Optional[Path] = OutputOpt,
    db: Optional[Path] = DbOpt,
    shop: Optional[str] = ShopOpt,
    json_out: bool = JsonOpt,
    mask: bool = MaskOpt,
    _no_color: bool = NoColorOpt,
    _lang: Optional[str] = LangOpt,
    _no_pager: bool = NoPagerOpt,
) -> None:
    from shunt.commands import audit as cmd

    code = run(cmd.run, db_path(db), date=date, start=start, end=end, group=group, account=account, shop=shop,
               as_json=json_out, as_csv=csv_out, output=output, mask=mask, fail_on_mismatch=fail_on_mismatch, examples=examples)
    raise typer.Exit(code or 0)


@app.command(cls=LangCommand, help=N_(
    "The self-check as a full-screen terminal app: trace, why-silent, why-received and audit as tabs\n"
    "(needs the extra: pip install 'shunt[ui]'). Keys: / search, Tab and arrows move, Enter asks, y copies\n"
    "the equivalent command, q quits. On the demo's database: run shunt demo, then shunt ui with the --db it printed."))
def ui(
    db: Optional[Path] = DbOpt,
    shop: Optional[str] = ShopOpt,
    mask: bool = MaskOpt,
    _no_color: bool = NoColorOpt,
    _lang: Optional[str] = LangOpt,
) -> None:
    from shunt.ui import launch as cmd

    run(cmd.run, db_path(db), shop=shop, mask=mask)


config_app = typer.Typer(cls=LangGroup, help=N_("The shop's routing configuration (shop_config)."), no_args_is_help=True)
app.add_typer(config_app, name="config")


@config_app.command("show", cls=LangCommand, help=N_(
    "The configuration in force at a moment: settings, agents, groups, exclusive. Its --json is a\n"
    "complete change file for `shunt simulate --config` (edit it, or keep only what you change).\n"
    "\n"
    "\b\n"
    "Example: shunt config show --at '2026-11-11 10:00' --json > change.json"))
def config_show(
    at: Optional[str] = typer.Option(None, "--at", help=N_("Moment (default: the last loaded event), e.g. '2026-11-11 10:00'.")),
    db: Optional[Path] = DbOpt,
    shop: Optional[str] = ShopOpt,
    json_out: bool = JsonOpt,
    mask: bool = MaskOpt,
    _no_color: bool = NoColorOpt,
    _lang: Optional[str] = LangOpt,
    _no_pager: bool = NoPagerOpt,
) -> None:
    from shunt.commands import config as cmd

    run(cmd.run, db_path(db), at=at, shop=shop, as_json=json_out, mask=mask)


# the point questions: short processes that free what they make by reference counting; the cyclic
# collector's passes over start-up's modules and a 1000-agent config find nothing to free, nor does
# the full collection at the interpreter's exit (~7% of a trace): what is left is frozen out of it
_NO_GC = {"trace", "why-received", "why-silent"}


def main() -> None:
    import gc

    from shunt.cli_pick import app_for, named_command

    point = named_command(sys.argv[1:]) in _NO_GC
    if point:
        gc.disable()
    else:
        gc.enable()  # (`python -m shunt` starts without it: shunt/__main__.py)
    try:
        app_for(app, sys.argv[1:])()
    except UsageError as exc:  # pragma: no cover - typer handles its own
        print(f"shunt: {exc}", file=sys.stderr)  # i18n: not reached (typer handles its own)
        sys.exit(2)
    finally:
        if point:
            gc.freeze()


if __name__ == "__main__":  # pragma: no cover
    main()
