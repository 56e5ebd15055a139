"""factory-boy factories of the forum. Threads and posts go through the services
(``thread_started``/``reply_posted``) so that numbers, events and counters are right."""

import factory

from forum import services
from forum.models import Category, ForumGroup, GroupMembership, Tag
from tests.factories import UserFactory


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Catégorie {n}")
    slug = factory.Sequence(lambda n: f"categorie-{n}")
    public = True


class ForumGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ForumGroup

    name = factory.Sequence(lambda n: f"Groupe {n}")
    slug = factory.Sequence(lambda n: f"groupe-{n}")
    visibility = ForumGroup.Visibility.OPEN


class GroupMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupMembership

    group = factory.SubFactory(ForumGroupFactory)
    user = factory.SubFactory(UserFactory)
    state = GroupMembership.State.ACTIVE


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    name = factory.Sequence(lambda n: f"étiquette {n}")
    slug = factory.Sequence(lambda n: f"etiquette-{n}")


def thread_started(space, author, title="Accueillir une famille réfugiée", body="Bonjour à tous!"):
    return services.thread_create(author=author, space=space, title=title, body=body)


def reply_posted(thread, author, body="Merci pour la question."):
    return services.post_create(author=author, thread=thread, body=body)
