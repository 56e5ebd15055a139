import pytest

from django.core.management import call_command

from directory.models import ClientStatus, Language, ServiceCategory, Territory


def _snapshot():
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (Territory, ServiceCategory, ClientStatus, Language)
    }


@pytest.mark.django_db
def test_loading_reference_data_twice_gives_the_same_rows():
    call_command("load_reference_data")
    first = _snapshot()
    call_command("load_reference_data")
    assert _snapshot() == first


@pytest.mark.django_db
def test_reference_data_has_estrie_territories_and_the_two_level_taxonomy(reference_data):
    assert Territory.objects.count() == 9
    assert Territory.objects.filter(name="Sherbrooke").exists()
    top = ServiceCategory.objects.filter(parent__isnull=True)
    assert top.count() == 15
    assert ServiceCategory.objects.filter(parent__isnull=False).count() == 48
    francisation = ServiceCategory.objects.get(code="FRA")
    assert francisation.label_en == "French-language learning"
    assert set(francisation.children.values_list("code", flat=True)) >= {"FRA.TEMPS_PLEIN"}
    assert (
        ClientStatus.objects.get(code="DEMANDEUR_ASILE").label_fr == "Personne demandeuse d'asile"
    )
    assert Language.objects.filter(code="fr").exists()


@pytest.mark.django_db
def test_category_label_follows_the_active_language(reference_data):
    from django.utils import translation

    category = ServiceCategory.objects.get(code="LOG")
    with translation.override("fr"):
        assert category.label == "Logement"
    with translation.override("en"):
        assert category.label == "Housing"
