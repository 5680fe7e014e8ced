# The works screens' browser tests (web/src/works): one CTest entry per scenario.
rootzone_web_test(works_draw works-draw.test.mjs)
rootzone_web_test(works_phone works-phone.test.mjs)
rootzone_web_test(works_isolation works-isolation.test.mjs)
rootzone_web_test(works_bad_input works-bad-input.test.mjs)
rootzone_web_test(works_edit works-edit.test.mjs)
rootzone_web_test(works_rate_limit works-rate-limit.test.mjs)
