# The works screens' browser tests (web/src/works): one CTest entry per scenario.
