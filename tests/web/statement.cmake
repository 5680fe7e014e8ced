# The work statement printed by Chromium to an A4 PDF and read back with pdftotext (issue 14).
rootzone_web_test(statement statement.test.mjs)
