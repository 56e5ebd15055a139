"""Model fields that know what they hold: postal codes and phone numbers.

Each carries its validator (``full_clean`` refuses a bad value, whoever
saves it: forms, Wagtail admin, importer) and gives a form field that
normalises what people type (``directory/catalogue/validation.py``). The
columns stay plain ``varchar``.
"""

from django.db import models

from directory.catalogue.validation import (
    PhoneExtensionFormField,
    PhoneNumberFormField,
    PostalCodeFormField,
    validate_phone_extension,
    validate_phone_number,
    validate_postal_code,
)


class PostalCodeField(models.CharField):
    default_validators = [validate_postal_code]

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PostalCodeFormField, **kwargs})


class PhoneNumberField(models.CharField):
    default_validators = [validate_phone_number]

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PhoneNumberFormField, **kwargs})


class PhoneExtensionField(models.CharField):
    default_validators = [validate_phone_extension]

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PhoneExtensionFormField, **kwargs})
