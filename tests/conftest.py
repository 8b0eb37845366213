"""Every test starts in English, whatever the machine's locale or SHUNT_LANG (a test wanting Chinese
passes --lang zh or sets SHUNT_LANG itself)."""

import os

import pytest

os.environ["SHUNT_LANG"] = "en"  # subprocesses too


@pytest.fixture(autouse=True)
def _english_again():
    yield
    from shunt import i18n

    i18n.set_lang(None)  # a test that ran `--lang zh` in-process leaves the next one in English
