"""The interface's language: --lang / SHUNT_LANG / the locale, the catalogues, help in both languages."""

from __future__ import annotations

import re
import sys

import pytest

from tests.cli_helpers import ROOT, runner
from shunt.cli import app

sys.path.insert(0, str(ROOT / "tools"))
import catalogues  # noqa: E402

HAN = re.compile("[\u4e00-\u9fff]")


def run(*args, env=None):
    return runner().invoke(app, list(args), env=env, catch_exceptions=False)


def test_every_msgid_has_a_chinese_translation_and_the_mo_is_compiled():
    # would catch: a new _("...") without a translation, a .po edited but not compiled, a fuzzy entry
    assert catalogues.problems() == []


@pytest.mark.parametrize("argv", [
    ["--lang", "zh", "trace", "--help"],        # global option
    ["trace", "--lang", "zh", "--help"],        # the command's own option (the form)
    ["trace", "--help", "--lang", "zh"],        # after --help: still chosen before help is printed
    ["trace", "--lang=zh", "--help"],
])
def test_lang_zh_translates_the_help_wherever_it_is_given(argv):
    res = run(*argv)
    assert res.exit_code == 0, res.output
    assert "买家昵称" in res.stdout and "用法" in res.stdout
    assert "The buyer's nick" not in res.stdout and "Show this message" not in res.stdout


@pytest.mark.parametrize("env,zh", [
    ({"SHUNT_LANG": "zh"}, True),
    ({"SHUNT_LANG": "zh_CN.UTF-8"}, True),
    ({"SHUNT_LANG": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "zh_CN.UTF-8"}, True),
    ({"SHUNT_LANG": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8"}, False),
    ({"SHUNT_LANG": "en", "LANG": "zh_CN.UTF-8"}, False),           # SHUNT_LANG before the locale
    ({"SHUNT_LANG": "", "LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}, False),  # LC_ALL before LANG
])
def test_default_language_from_shunt_lang_then_the_locale(env, zh):
    res = run("why-silent", "--help", env=env)
    assert res.exit_code == 0
    assert ("用法" in res.stdout and "Usage" not in res.stdout) is zh, res.stdout


def test_lang_option_overrides_the_environment():
    assert "买家昵称" not in run("trace", "--lang", "en", "--help", env={"SHUNT_LANG": "zh"}).stdout
    assert "买家昵称" in run("trace", "--lang", "ZH", "--help", env={"SHUNT_LANG": "en"}).stdout


def test_a_language_shunt_does_not_speak_is_a_usage_error():
    res = run("info", "--lang", "fr")
    assert res.exit_code == 2 and "'fr'" in res.stderr and "zh or en" in res.stderr
    res = run("info", env={"SHUNT_LANG": "klingon"})
    assert res.exit_code == 2 and "SHUNT_LANG" in res.stderr and "'klingon'" in res.stderr
    res = run("--lang", "zh", "info", env={"SHUNT_LANG": "klingon"})  # --lang wins: no error about it
    assert "SHUNT_LANG" not in res.stderr


def test_every_command_and_option_has_chinese_help():
    # would catch: a command or option added with an English help but no N_() / translation
    from shunt.cli_lang import _translate_tree  # noqa: F401 - the tree is translated by the app's main
    cmds = ["load", "trace", "why-silent", "why-received", "generate", "demo", "info", "forget", "balance",
            "simulate", "audit", "ui", "config show"]
    for cmd in cmds:
        out = run("--lang", "zh", *cmd.split(), "--help").stdout
        for line in out.splitlines():
            text = re.sub(r"shunt [\x00-\x7f]*", "", line)  # an example command line
            text = re.sub(r"^\s*(-\w, )?--?[\w-]+( <\w+>| [\w|]+)?\s+", "", text)  # the option names
            text = re.sub(r"\[[^\]]*\]|`[^`]*`|'[^']*'|\"[^\"]*\"|\$\w+|[\w./:-]*[./:_][\w./:-]*", "", text)
            assert not re.search(r"[A-Za-z]{3,} [A-Za-z]{3,} [A-Za-z]{3,}", text), (cmd, line)


# ---- messages made below render (errors, causes, steps) and the JSON -------------------------------------

from tests.cli_helpers import SAMPLE  # noqa: E402


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("i18n_sample") / "shunt.db"
    assert run("load", str(SAMPLE / "zhenpin.jsonl"), "--db", str(db)).exit_code == 0
    return db


def test_an_error_and_its_nearest_names_in_chinese(sample_db):
    # would catch: fail() printing the English error, or the "nearest" hint left in English
    zh = run("why-silent", "zhenpin:小x", "--db", str(sample_db), "--lang", "zh")
    assert zh.exit_code == 1
    assert "店铺 zhenpin 中没有账号 'zhenpin:小x'" in zh.stderr and "最接近的：" in zh.stderr
    assert "nearest" not in zh.stderr and "no account" not in zh.stderr
    near = next(line for line in zh.stderr.splitlines() if "最接近的：" in line)
    assert "，" in near and ", " not in near  # a Chinese list: "a，b", not "a, b"
    en = run("why-silent", "zhenpin:小x", "--db", str(sample_db), "--lang", "en")
    assert "no account 'zhenpin:小x' in shop zhenpin" in en.stderr and "nearest: " in en.stderr


def test_a_sentence_made_by_an_fstring_is_found_by_its_template():
    # would catch: a template whose placeholders do not match its English, values left untranslated
    from shunt import i18n

    i18n.set_lang("zh")
    text = "zhenpin:小丙 is offline since 2026-11-11T22:00:12+08:00."
    assert i18n.tr(text) == "zhenpin:小丙 离线，自 2026-11-11T22:00:12+08:00 起。"
    assert i18n.tr("the shop has no consults yet; nothing else") == "the shop has no consults yet; nothing else"
    i18n.set_lang("en")
    assert i18n.tr(text) == text


QUESTIONS = [
    ("trace", "tb_buyer05", "--date", "2026-11-11"),
    ("trace", "tb_buyer36", "--date", "2026-11-10", "--node", "c-0040"),
    ("why-silent", "小丙", "--at", "2026-11-11 21:00"),
    ("why-received", "tb_buyer20", "--at", "2026-11-11 10:25:07", "--expected", "zhenpin:小王"),
    ("balance", "--date", "2026-11-11"),
    ("audit", "--date", "2026-11-10"),
    ("simulate", "--config", str(SAMPLE / "change-raise-limit.json"), "--date", "2026-11-11"),
    ("info",),
    ("config", "show", "--at", "2026-11-11 10:00"),
]


@pytest.mark.parametrize("argv", QUESTIONS, ids=lambda a: a[0] if isinstance(a, tuple) else str(a))
def test_json_is_the_same_in_both_languages(sample_db, argv):
    # would catch: a translated word leaking into --json (JSON keeps codes and its English text)
    docs = [run(*argv, "--json", "--db", str(sample_db), "--lang", lang) for lang in ("zh", "en")]
    assert docs[0].exit_code == docs[1].exit_code == 0, docs[0].stderr
    assert docs[0].stdout == docs[1].stdout


def test_click_usage_errors_in_chinese():
    # would catch: click's own "Missing option" / "No such option" / "Usage:" left in English under --lang zh
    res = run("why-received", "tb_buyer05", "--lang", "zh")
    assert res.exit_code == 2
    assert "缺少选项 '--at'" in res.stderr and "用法：" in res.stderr and "错误：" in res.stderr
    assert "Missing" not in res.stderr and "Usage" not in res.stderr
    res = run("trace", "x", "--bogus", "--lang", "zh")
    assert res.exit_code == 2 and "没有这个选项：--bogus" in res.stderr
    en = run("trace", "x", "--bogus", "--lang", "en")
    assert en.exit_code == 2 and "Error: No such option: --bogus" in en.stderr and "Usage:" in en.stderr


# ---- the whole human view in Chinese --------------------------------------------------------------------

HUMAN = [
    ("trace", "tb_buyer05", "--date", "2026-11-11"),
    ("trace", "tb_buyer36", "--date", "2026-11-10", "--detail"),
    ("trace", "tb_buyer05", "--date", "2026-11-12"),
    ("why-silent", "小丙", "--at", "2026-11-11 21:00"),
    ("why-silent", "zhenpin:小李", "--at", "2026-11-11 09:45:00"),
    ("why-silent", "zhenpin:店小蜜", "--at", "2026-11-11 12:00"),
    ("why-received", "tb_buyer20", "--at", "2026-11-11 10:25:07", "--expected", "小王"),
    ("why-received", "tb_buyer05", "--at", "2026-11-11 14:50:26", "--expected", "小丙"),
    ("balance", "--date", "2026-11-11"),
    ("balance", "--date", "2026-11-10", "--group", "售前"),
    ("simulate", "--config", str(SAMPLE / "change-raise-limit.json"), "--date", "2026-11-11"),
    ("simulate", "--config", str(SAMPLE / "change-strategy.json"), "--date", "2026-11-11"),
    ("audit", "--date", "2026-11-10"),
    ("audit", "--date", "2026-11-11"),
    ("info",),
    ("config", "show", "--at", "2026-11-11 10:00"),
    # errors and hints on stderr
    ("trace", "nobody"),
    ("why-silent", "zhenpin:小x"),
    ("why-received", "tb_buyer05", "--at", "2026-11-11 01:00:00"),
    ("balance", "--from", "2026-11-11"),
    ("audit", "--date", "2030-01-01"),
    ("simulate", "--config", "/nonexistent.json"),
]
ENGLISH = re.compile(r"(?<![\w.:/@-])[A-Za-z]{2,}(?: [A-Za-z]{2,})+(?![\w.:/@-])")


def english_left(text: str) -> list[str]:
    """Runs of two or more English words left in `text`, once ids, codes, paths and commands are taken out."""
    text = re.sub(r"shunt [^\n]*|`[^`]*`|\[[^\]]*\]|\S*[_:./@\d][^\s,;，；（）()]*", " ", text)
    return [m for m in ENGLISH.findall(text) if m not in ("Asia Shanghai",)]


@pytest.mark.parametrize("argv", HUMAN, ids=lambda a: " ".join(a)[:40])
def test_the_chinese_view_has_no_english_sentence(sample_db, argv):
    # would catch: a heading, column, cause, advice, summary or error left in English under --lang zh
    res = run(*argv, "--db", str(sample_db), "--lang", "zh", env={"COLUMNS": "200"})
    out = res.stdout + res.stderr
    assert re.search("[\u4e00-\u9fff]", out), out
    assert english_left(out) == [], out


def test_no_message_call_inside_an_fstring():
    # would catch: _("...") written inside an f-string's braces, which Babel does not extract (no translation)
    import ast

    bad = []
    for path in (ROOT / "src" / "shunt").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr):
                for sub in ast.walk(node):
                    if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name) and sub.func.id in ("_", "ngettext") \
                            and sub.args and isinstance(sub.args[0], ast.Constant):  # _(note) of a marked N_: fine
                        bad.append(f"{path.relative_to(ROOT)}:{sub.lineno}")
    assert bad == []
