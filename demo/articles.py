"""Demo articles and the 心语报 (PRG-4): three published articles, one of them on crisis with its
safe-messaging checklist ticked, one waiting for review by the project lead, and one newsletter
issue. Everything goes through the articles services, as staff would do it."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from articles import services
from articles.checklist import safe_messaging_checklist
from articles.models import Audience, Topic
from orgs.models import OrgUnit

ARTICLES = [
    (
        "睡不着的夜晚，可以试试这几件小事",
        "失眠时不必强迫自己入睡，几个简单的习惯能帮你慢慢找回睡意。",
        "睡眠",
        Audience.EVERYONE,
        "## 白天\n\n- 固定起床时间，周末也尽量不赖床。\n- 午睡不超过 30 分钟。\n\n"
        "## 睡前一小时\n\n1. 放下手机，把灯光调暗。\n"
        "2. 做几次**腹式呼吸**：吸气 4 秒，屏住 2 秒，呼气 6 秒。\n"
        "3. 把明天要做的事写在纸上，让大脑“下班”。\n\n"
        "如果连续几周都睡不好，白天也没精神，欢迎预约中心的心理咨询师聊一聊。",
    ),
    (
        "考试前紧张？和焦虑做朋友",
        "适度的紧张能让人专注，过度的焦虑才需要调节。",
        "青少年成长",
        Audience.STUDENTS,
        "考试前心跳加快、手心出汗，是身体在为挑战做准备。\n\n"
        "> 紧张不是敌人，它提醒你：这件事对你很重要。\n\n"
        "**三个小方法**\n\n- 把大目标拆成每天能完成的小任务；\n- 复习时每 45 分钟休息 10 分钟；\n"
        "- 和信任的同学、老师或家长说说你的担心。\n\n如果焦虑让你吃不下、睡不着，请告诉班主任或心理老师。",
    ),
    (
        "当你感到撑不下去的时候",
        "痛苦的感受会过去，你不必一个人扛。",
        "危机与自杀预防",
        Audience.EVERYONE,
        "每个人都会有特别难熬的时候。感到绝望、觉得自己是负担，这些想法很常见，但它们不是事实的全部。\n\n"
        "## 此刻可以做的\n\n- 给一位信任的人打电话或发消息，说一句“我最近很难受”。\n"
        "- 拨打心理援助热线，有专业的人愿意倾听。\n- 离开让你难受的环境，去有人的地方。\n\n"
        "## 如果你担心身边的人\n\n"
        "直接、关心地问一句“你还好吗？”，认真听，不评判，陪他或她一起寻求专业帮助。\n\n"
        "很多人都从最艰难的时刻走了出来。求助是勇敢的一步。",
    ),
]

WAITING = (
    "和孩子谈情绪，从倾听开始",
    "家长会问：孩子不愿意说，怎么办？",
    "亲子与家庭",
    Audience.PARENTS,
    "孩子愿意开口，往往是因为感到被理解。先听完，再给建议；先接住情绪，再讨论对错。",
)


def _topic(name: str) -> Topic:
    # The migration seeds the topics; a database flushed since (tests) gets them back here.
    return Topic.objects.get_or_create(name=name, defaults={"is_crisis": name == "危机与自杀预防"})[0]


def seed_articles() -> dict[str, int]:
    counsellor = User.objects.get(username="counsellor")
    counsellor2 = User.objects.get(username="counsellor2")
    supervisor = User.objects.get(username="supervisor")
    lead = User.objects.get(username="lead")
    now = timezone.now()
    published = []
    for index, (title, summary, topic, audience, body) in enumerate(ARTICLES):
        author = counsellor if index % 2 == 0 else counsellor2
        article = services.article_create(
            actor=author,
            title=title,
            summary=summary,
            body=body,
            topics=[_topic(topic)],
            audience=audience,
        )
        services.article_submit(actor=author, article=article)
        checklist = safe_messaging_checklist().keys if services.needs_checklist(article) else ()
        services.article_approve(
            actor=supervisor,
            article=article,
            checklist=checklist,
            publish_at=now - timedelta(days=20 - 5 * index),
        )
        published.append(article)
    title, summary, topic, audience, body = WAITING
    waiting = services.article_create(
        actor=counsellor,
        title=title,
        summary=summary,
        body=body,
        topics=[_topic(topic)],
        audience=audience,
    )
    services.article_submit(actor=counsellor, article=waiting)
    services.newsletter_save(
        actor=lead,
        title="心语报",
        issue_number=1,
        semester="2026年春季学期",
        print_run=500,
        sent_to=OrgUnit.objects.filter(kind__in=["school", "community"]),
        articles=published,
    )
    return {"articles": len(published) + 1, "newsletters": 1}
