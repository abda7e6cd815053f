"""The public, resident-facing pages (no login): the home page, asking for an appointment, the
satisfaction form and the online self-test. Each module calls the services, selectors and forms of
the domain it serves (orgs, workflow, screening); portal/urls.py lists the paths."""
