"""Phone numbers and postal codes validated by one rule (directory/catalogue/validation.py);
Excel workbooks as an import format.

Existing values are rewritten in the written form the forms and the importer
now save ("(819) 555-0123" → "819 555-0123", "j1h5n4" → "J1H 5N4", an
extension typed after the number moved to its own field), so that the next
edit of a record does not show a change nobody made. A value that is not a
phone number or a postal code is left as it is: the forms ask for a correct
one when the record is next edited, and the site shows it without a link.
"""

from django.core.exceptions import ValidationError
from django.db import migrations, models

import directory.models.fields
from directory.catalogue.validation import phone_number_parse, postal_code_normalise


def _normalised_phone(number: str, extension: str) -> tuple[str, str] | None:
    try:
        phone = phone_number_parse(number, extension)
    except ValidationError:
        # An extension that is not digits ("3 ou 4") is kept as it is, beside the number.
        try:
            alone = phone_number_parse(number)
        except ValidationError:
            return None
        return None if alone.extension else (alone.number, extension)
    return phone.number, phone.extension


def values_normalise(apps, schema_editor):
    Phone = apps.get_model("directory", "Phone")
    Location = apps.get_model("directory", "Location")
    phones = []
    for phone in Phone.objects.only("number", "extension").iterator():
        normalised = _normalised_phone(phone.number, phone.extension)
        if normalised and normalised != (phone.number, phone.extension):
            phone.number, phone.extension = normalised
            phones.append(phone)
    Phone.objects.bulk_update(phones, ["number", "extension"], batch_size=500)
    locations = []
    for location in Location.objects.exclude(postal_code="").only("postal_code").iterator():
        try:
            postal_code = postal_code_normalise(location.postal_code)
        except ValidationError:
            continue
        if postal_code != location.postal_code:
            location.postal_code = postal_code
            locations.append(location)
    Location.objects.bulk_update(locations, ["postal_code"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ('directory', '0012_data_version'),
    ]

    operations = [
        migrations.AlterField(
            model_name='importjob',
            name='file_format',
            field=models.CharField(choices=[('csv', 'CSV (recensement template)'), ('xlsx', 'Excel workbook (recensement template)'), ('hsds-json', 'HSDS 3.0 JSON')], max_length=10, verbose_name='format'),
        ),
        migrations.AlterField(
            model_name='location',
            name='postal_code',
            field=directory.models.fields.PostalCodeField(blank=True, max_length=10, verbose_name='postal code'),
        ),
        migrations.AlterField(
            model_name='phone',
            name='extension',
            field=directory.models.fields.PhoneExtensionField(blank=True, max_length=10, verbose_name='extension'),
        ),
        migrations.AlterField(
            model_name='phone',
            name='number',
            field=directory.models.fields.PhoneNumberField(max_length=40, verbose_name='number'),
        ),
        migrations.RunPython(values_normalise, migrations.RunPython.noop, elidable=True),
    ]
