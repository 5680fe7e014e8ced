# The field staff's screens (web/src/field, web/src/offline): one CTest entry per scenario.
rootzone_web_test(field_near field-near.test.mjs)
rootzone_web_test(field_due field-due.test.mjs)
rootzone_web_test(field_edit field-edit.test.mjs)
rootzone_web_test(field_inspect_fell field-inspect-fell.test.mjs)
rootzone_web_test(field_offline field-offline.test.mjs)
rootzone_web_test(field_expired field-expired.test.mjs)
rootzone_web_test(field_a11y field-a11y.test.mjs)
rootzone_web_test(field_offline_reload field-offline-reload.test.mjs)
