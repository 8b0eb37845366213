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
