"""The base of every serializer that reads a request body."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import QueryDict
from rest_framework import serializers


class RequestSerializer(serializers.Serializer):
    """In a JSON body each field must have the JSON type the schema documents. DRF on its own takes the
    number 0 for a text, the text "5" for a number, "yes" for true and "3" for a record's id, so a
    client's mistake passes unnoticed and the schema does not say what is accepted (schemathesis, in
    bin/fuzz, found it). A form or multipart body is all text by nature, and is read as DRF reads it."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping) and not isinstance(data, QueryDict):
            errors = {}
            for name, field in self.fields.items():
                value = data.get(name)
                if field.read_only or value is None or _has_json_type(field, value):
                    continue
                try:
                    field.fail(
                        _refusal(field), input_type=type(value).__name__, data_type=type(value).__name__
                    )
                except serializers.ValidationError as error:
                    errors[name] = error.detail
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


def _has_json_type(field: serializers.Field, value: object) -> bool:
    if isinstance(field, serializers.BooleanField):
        return isinstance(value, bool)
    if isinstance(field, (serializers.IntegerField, serializers.PrimaryKeyRelatedField)):
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(field, (serializers.CharField, serializers.SlugRelatedField)):
        return isinstance(value, str)
    if isinstance(field, (serializers.ListField, serializers.ManyRelatedField)):
        return isinstance(value, list)  # DRF would take an object's keys for the items
    return True  # dates and choices already refuse what is not their type


def _refusal(field: serializers.Field) -> str:
    """The field's own message for a value of the wrong kind, in the reader's language."""
    if isinstance(field, (serializers.ListField, serializers.ManyRelatedField)):
        return "not_a_list"
    return "incorrect_type" if isinstance(field, serializers.PrimaryKeyRelatedField) else "invalid"
