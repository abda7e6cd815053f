from activities.tests.support import place  # noqa: F401  (the fixture)
