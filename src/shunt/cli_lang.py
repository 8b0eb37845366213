"""`--lang` for the typer app: the language is chosen before click parses anything, so that `--help`,
click's own usage errors and every message of the command come out in it.

- `LangGroup.main` scans the arguments for `--lang X` / `--lang=X` (anywhere before `--`: as a global
  option `shunt --lang zh trace ...` or a command's `shunt trace --lang zh ...`), else takes the
  environment's language (SHUNT_LANG, the locale), and sets it for this invocation;
- it then translates the help texts of the whole command tree in place (typer builds a fresh click tree
  on every call; the texts are English msgids marked with `N_()` in cli.py);
- click's and typer's own words ("Usage:", "Missing option", "No such option"...) go through the same
  catalogue: their modules call a module-level `_` / `ngettext` (the stdlib's gettext), which we point at
  ours. The English of those words is unchanged (our English is the identity).

The `--lang` options themselves (global and per command) are declared with a choice of zh / en, so a
bad value is click's usage error (exit 2) naming the choices; a bad SHUNT_LANG is exit 2 too.
"""

import sys

import typer
from typer.core import TyperCommand, TyperGroup

Abort = typer.Abort
# click's error classes, whichever click typer uses (it vendors one since 0.26): BadParameter's bases
ClickUsageError, ClickException = typer.BadParameter.__mro__[1:3]

from shunt import i18n
from shunt.i18n import N_

LANG_HELP = N_("Language of the human output, help and messages: zh or en (default: $SHUNT_LANG, else the "
               "locale, zh_* -> zh, else en). JSON and CSV are the same in both.")

_HOOKED = ("typer.core",)  # typer's own words ("Arguments", "Options", "default: ...") go through gettext


_given = {"lang": False}  # whether this invocation names a --lang (then a bad SHUNT_LANG does not matter)


def scan_lang(args) -> str | None:
    """The value of the last `--lang` among `args` (before a `--`), as typed; None when absent."""
    found = None
    args = list(args)
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(args):
            found = args[i + 1]
        elif arg.startswith("--lang="):
            found = arg.split("=", 1)[1]
    return found


def _localise_click() -> None:
    """Point click's and typer's gettext hooks at shunt's catalogue (once; English stays the identity)."""
    for name in _HOOKED:
        mod = sys.modules.get(name)
        if mod is None:
            continue
        if hasattr(mod, "_") and getattr(mod, "_") is not i18n._:
            mod._ = i18n._
        if hasattr(mod, "ngettext") and getattr(mod, "ngettext") is not i18n.ngettext:
            mod.ngettext = i18n.ngettext


def _translate_tree(cmd) -> None:
    """Translate the help texts of `cmd` and its subcommands, from their English msgids."""
    for obj in [cmd, *getattr(cmd, "params", [])]:
        msgid = getattr(obj, "_shunt_msgid", None)
        if msgid is None:
            msgid = obj.help
            obj._shunt_msgid = msgid
        if msgid:
            obj.help = i18n._(msgid)
    for sub in getattr(cmd, "commands", {}).values():
        _translate_tree(sub)


def _usage(self, ctx, formatter) -> None:
    formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix=i18n._("Usage: "))


def _help_option(get):
    def get_help_option(self, ctx):
        opt = get(self, ctx)
        if opt is not None:
            opt.help = i18n._(HELP_HELP)
        return opt
    return get_help_option


HELP_HELP = N_("Show this message and exit.")

# typer's own words, looked up through its module's `_` (see _localise_click): listed here for extraction
TYPER_WORDS = (N_("Arguments"), N_("Options"), N_("Commands"), N_("default: {default}"), N_("required"),
               N_("env var: {var}"), N_("(dynamic)"), N_("Missing command."), N_("No such command {name!r}."),
               N_("Aborted!"), N_("Install completion for the current shell."),
               N_("Show completion for the current shell, to copy it or customize the installation."))


def short_help(text: str, limit: int = 45) -> str:
    """The first sentence of a Chinese help text, cut to `limit` columns (click cuts at spaces, which
    Chinese has none of: it would show "..." alone)."""
    first = text.split("\n", 1)[0]
    cuts = [first.index(stop) for stop in ("。", "：") if stop in first]
    if cuts:
        first = first[:min(cuts)]
    return cut_columns(first, limit)


def cut_columns(text: str, limit: int) -> str:
    """`text` cut to `limit` terminal columns (wide characters count two), with "…" when cut."""
    from unicodedata import east_asian_width

    out, used = [], 0
    for ch in text:
        w = 2 if east_asian_width(ch) in ("W", "F") else 1
        if used + w > limit - 1:
            return "".join(out) + "…"
        out.append(ch)
        used += w
    return text


def _short_help(get):
    def get_short_help_str(self, limit: int = 45) -> str:
        if i18n.current_lang() == "zh" and not self.short_help and self.help:
            return short_help(self.help, limit)
        return get(self, limit)
    return get_short_help_str


class LangCommand(TyperCommand):
    """A command whose usage line and -h/--help are in the chosen language (the rest: _translate_tree)."""

    get_short_help_str = _short_help(TyperCommand.get_short_help_str)

    format_usage = _usage
    get_help_option = _help_option(TyperCommand.get_help_option)


class LangGroup(TyperGroup):
    """The app: chooses the language from the arguments or the environment, then runs as typer does."""

    def main(self, args=None, *a, **kw):
        argv = sys.argv[1:] if args is None else list(args)
        wanted = i18n.normalize(scan_lang(argv))
        _given["lang"] = wanted is not None
        i18n.set_lang(wanted)  # None: the environment's (each invocation starts afresh)
        _localise_click()
        _translate_tree(self)
        if kw.get("standalone_mode", True) is False or (len(a) >= 3 and a[2] is False):
            return super().main(args, *a, **kw)
        kw["standalone_mode"] = False
        try:
            rv = super().main(args, *a, **kw)
        except ClickException as exc:  # a usage error: shown as typer shows it, in the chosen language
            show_error(exc)
            sys.exit(exc.exit_code)
        except Abort:
            print(i18n._("Aborted!"), file=sys.stderr)
            sys.exit(1)
        sys.exit(rv if isinstance(rv, int) else 0)

    format_usage = _usage
    get_help_option = _help_option(TyperGroup.get_help_option)
    get_short_help_str = _short_help(TyperGroup.get_short_help_str)


def check_lang(value: str | None) -> str | None:
    """The option's callback: set the language given, refuse one shunt does not speak (exit 2), and
    refuse a SHUNT_LANG that names no language when no --lang overrides it."""
    if value:
        if i18n.normalize(value) is None:
            raise typer.BadParameter(i18n._("{value} is not a language shunt speaks: use zh or en").format(
                value=repr(value)))
        i18n.set_lang(value)
    elif not _given["lang"] and i18n.bad_env_lang() is not None:
        raise typer.BadParameter(i18n._("{value} is not a language shunt speaks: use zh or en").format(
            value=repr(i18n.bad_env_lang())), param_hint="SHUNT_LANG")
    return value


def lang_option(**kw):
    """`--lang zh|en`, eager, not passed to the command function."""
    return typer.Option(None, "--lang", callback=check_lang, is_eager=True,
                        expose_value=False, show_default=False, help=LANG_HELP, metavar="zh|en", **kw)


# click's own messages (typer vendors click without gettext), recognised by i18n.tr like shunt's sentences
CLICK_WORDS = (N_("Missing argument {name}."), N_("Missing option {name}."), N_("Missing parameter {name}."),
               N_("No such option: {name}"), N_("(Possible options: {options})"),
               N_("Invalid value for {name}: {message}"), N_("Got unexpected extra argument(s) ({args})"),
               N_("Option {name} does not take a value."), N_("Option {name} requires an argument."),
               N_("{value} is not a valid int."), N_("{value} is not a valid float."),
               N_("{value} is not a valid boolean. Recognized values: {states}"),
               N_("Try '{command} {option}' for help."), N_("Error: {message}"))


def show_error(exc) -> None:
    """A click usage error on stderr: the usage line, the hint, the message; the words in the chosen language."""
    if type(exc).__name__ == "NoArgsIsHelpError":  # `shunt` alone: the help (already in the language), exit 2
        exc.show()
        return
    msg = exc.format_message()
    if " (Possible options: " in msg:
        head, rest = msg.split(" (Possible options: ", 1)
        msg = i18n.tr(head) + " " + i18n._("(Possible options: {options})").format(options=rest.rstrip(")"))
    else:
        msg = i18n.tr(msg)
    ctx = getattr(exc, "ctx", None)
    if isinstance(exc, ClickUsageError) and ctx is not None:
        hint = ""
        if ctx.command.get_help_option(ctx) is not None:
            hint = i18n._("Try '{command} {option}' for help.").format(
                command=ctx.command_path, option=ctx.help_option_names[0]) + "\n"
        print(f"{ctx.get_usage()}\n{hint}", file=sys.stderr)
    print(i18n._("Error: {message}").format(message=msg), file=sys.stderr)
