"""factory-boy factories for the directory (and, later, events and forum)."""

import factory
from allauth.account.models import EmailAddress

from django.contrib.auth import get_user_model
from django.utils import timezone

from directory.models import (
    ChangeRequest,
    Location,
    Membership,
    Organisation,
    PublicationState,
    RecordKind,
    Service,
)

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"membre{n}@example.org")
    display_name = factory.Faker("name", locale="fr_CA")
    preferred_language = "fr"

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save()
            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisme d'accueil n° {n}")
    slug = factory.Sequence(lambda n: f"organisme-{n}")
    mission = "Accueillir et accompagner les personnes immigrantes."
    state = PublicationState.PUBLISHED
    verified_at = factory.LazyFunction(timezone.now)


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    organisation = factory.SubFactory(OrganisationFactory)
    name = "Bureau principal"
    address = "123, rue King Ouest"
    municipality = "Sherbrooke"
    postal_code = "J1H 1P1"
    latitude = 45.4042
    longitude = -71.8929


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Service d'intégration n° {n}")
    slug = factory.Sequence(lambda n: f"service-{n}")
    description = "Accompagnement personnalisé des personnes nouvellement arrivées."
    state = PublicationState.PUBLISHED
    verified_at = factory.LazyFunction(timezone.now)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.MEMBER
    state = Membership.State.ACTIVE


# --- Self-service editing ------------------------------------------------------------------


class ChangeRequestFactory(factory.django.DjangoModelFactory):
    """A pending request to change an organisation's mission (as an admin's edit makes it)."""

    class Meta:
        model = ChangeRequest

    organisation = factory.SubFactory(OrganisationFactory)
    target_kind = RecordKind.ORGANISATION
    kind = ChangeRequest.Kind.UPDATE
    proposed = factory.LazyAttribute(lambda o: {"mission": "Une mission proposée."})
    previous = factory.LazyAttribute(lambda o: {"mission": o.organisation.mission})
    submitted_by = factory.SubFactory(UserFactory)


# --- Public directory (search, map, profiles) ------------------------------------


class PhoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "directory.Phone"

    organisation = factory.SubFactory(OrganisationFactory)
    number = "819 555-0100"


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "directory.Partnership"

    source = factory.SubFactory(OrganisationFactory)
    target = factory.SubFactory(OrganisationFactory)
    kind = "referral"


class InitiativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "directory.Initiative"

    name = factory.Sequence(lambda n: f"Projet régional n° {n}")
    slug = factory.Sequence(lambda n: f"projet-{n}")
    state = PublicationState.PUBLISHED
    verified_at = factory.LazyFunction(timezone.now)
