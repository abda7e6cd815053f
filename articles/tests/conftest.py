import pytest

from articles import services
from articles.models import Topic


@pytest.fixture
def crisis_topic(db):
    # get_or_create: a browser test's flush (transactional_db) empties the migration's topics.
    return Topic.objects.get_or_create(name="危机与自杀预防", defaults={"is_crisis": True})[0]


@pytest.fixture
def sleep_topic(db):
    return Topic.objects.get_or_create(name="睡眠")[0]


@pytest.fixture
def draft(people, sleep_topic):
    return services.article_create(
        actor=people.counsellor, title="好好睡一觉", body="睡前放下手机。", topics=[sleep_topic]
    )


@pytest.fixture
def in_review(people, draft):
    return services.article_submit(actor=people.counsellor, article=draft)


@pytest.fixture
def published(people, in_review):
    return services.article_approve(actor=people.supervisor, article=in_review)


@pytest.fixture
def crisis_in_review(people, crisis_topic):
    article = services.article_create(
        actor=people.counsellor,
        title="当你感到撑不下去的时候",
        body="你并不孤单，可以随时拨打热线求助。",
        topics=[crisis_topic],
    )
    return services.article_submit(actor=people.counsellor, article=article)
