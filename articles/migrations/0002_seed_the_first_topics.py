from django.db import migrations

# The topics the centre's work plans write about; the last two are the crisis topics whose
# articles need the safe-messaging checklist.
TOPICS = [
    ("情绪与压力", False),
    ("睡眠", False),
    ("亲子与家庭", False),
    ("青少年成长", False),
    ("老年心理", False),
    ("人际关系", False),
    ("危机与自杀预防", True),
    ("自伤", True),
]


def seed(apps, schema_editor):
    Topic = apps.get_model("articles", "Topic")
    for position, (name, is_crisis) in enumerate(TOPICS):
        Topic.objects.get_or_create(name=name, defaults={"is_crisis": is_crisis, "position": position})


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_articles_topics_newsletters")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
