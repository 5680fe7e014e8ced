# The review screens' browser tests (web/src/review): one CTest entry per scenario.
