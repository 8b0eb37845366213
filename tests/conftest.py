"""Every test starts in English, whatever the machine's locale or SHUNT_LANG (a test wanting Chinese
passes --lang zh or sets SHUNT_LANG itself)."""

import os
import signal

import pytest

# The Ctrl-C tests (test_reliability_*) send SIGINT to shunt subprocesses. A suite started in the
# background by a shell without job control (`cmd &` in a script) inherits SIGINT ignored, which
# every child would keep across exec, so Python would install no KeyboardInterrupt for it and the
# loads would run to the end: take the default back here, for this process and its children.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

os.environ["SHUNT_LANG"] = "en"  # subprocesses too


@pytest.fixture(autouse=True)
def _english_again():
    yield
    from shunt import i18n

    i18n.set_lang(None)  # a test that ran `--lang zh` in-process leaves the next one in English
