# The review screens' browser tests (web/src/review): one CTest entry per scenario.
rootzone_web_test(review_queue review-queue.test.mjs)
rootzone_web_test(review_decide review-decide.test.mjs)
rootzone_web_test(story story.test.mjs)
