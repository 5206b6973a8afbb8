"""Optimistic locking: no lost updates when two people edit the same agreement, hub or activity.

A model takes part by having a ``lock_version`` field (a positive integer, not editable).
Two pieces keep the promise:

1. **Every save counts.** :func:`connect` (called from ``HubplanConfig.ready``) hooks a
   ``pre_save`` receiver onto each such model. Before an existing row is written, the
   receiver raises its ``lock_version`` by one *in SQL*
   (``UPDATE … SET lock_version = lock_version + 1 … RETURNING lock_version``) and puts the
   new value on the instance, so the ordinary ``save()`` that follows stores it and
   simple-history's record of that save carries it, with its user. This was chosen over
   overriding ``Model.save()`` in three models, or over ``queryset.update()``:

   - it covers every path that goes through ``save()``: the edit forms, status changes,
     signatures, the roll-up of progress reports, the admin, commands, imports, the demo;
   - ``save(update_fields=[...])`` without ``lock_version`` (the status and roll-up saves do
     that) still counts, because the raise has already happened in the database;
   - the counter never goes backwards even if the instance in memory is old, since the
     database adds one to what it holds, and the ``UPDATE`` keeps the row locked until
     the transaction ends, so two saves cannot both take the same number. That needs the
     save to run in a transaction, as every service, the admin and the commands do; a bare
     ``save()`` in autocommit commits the raise and the write separately;
   - history keeps working: ``queryset.update()`` would write no history row.

   ``queryset.update()`` and ``bulk_update()`` bypass it, as they bypass every signal; the
   project uses them on these models only in ``seed_demo`` on rows it has just created.

2. **An edit form proves what it saw.** :class:`LockVersionFormMixin` adds a hidden
   ``lock_version`` holding the value the form was opened with; the service saves through
   :func:`save_if_current`, whose ``UPDATE`` also demands ``lock_version = <that value>``.
   If someone saved in between, no row matches, nothing is written and
   :class:`StaleEditError` is raised; the view then shows the form again with the user's
   input, the message, what is now saved, and the current ``lock_version``, so a
   deliberate second submit saves. Under PostgreSQL's READ COMMITTED a concurrent
   ``UPDATE`` waits for the first transaction and then re-checks the condition, so of two
   simultaneous saves with the same value exactly one wins.

A form posted without ``lock_version`` (a script, an older test) is saved unchecked; the
app's own pages always send it. The Django admin's change form (a superuser fallback) does
not carry it: an admin save counts, so app forms opened before it are refused, but an
admin form opened before an app save is not.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.apps import apps
from django.db import connections, models, transaction
from django.db.models.signals import pre_save
from django.forms.models import model_to_dict
from django.http import Http404
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from hubplan import numbers

FIELD = "lock_version"
_EXPECTED = "_lock_version_expected"


def lock_version_field() -> models.PositiveIntegerField:
    """The ``lock_version`` field a model adds to take part in optimistic locking.

    A form carries the value it was shown with, and a save whose value no longer
    matches is refused instead of overwriting someone else.
    """
    return models.PositiveIntegerField(
        _("redigeringsversion"),
        default=1,
        editable=False,
        help_text=_(
            "Räknas upp vid varje sparning; skyddar mot att två personer skriver över varandra."
        ),
    )


STALE_MESSAGE = _(
    "Någon annan har sparat ändringar i ”%(object)s” sedan du öppnade sidan. Dina ändringar är "
    "inte sparade. Jämför med det som nu är sparat, som visas under varje fält som skiljer "
    "sig, och spara igen."
)
STALE_CLOSED_MESSAGE = _(
    "Någon annan har ändrat ”%(object)s” sedan du öppnade sidan, och det går inte längre att "
    "ändra här. Dina ändringar är inte sparade; de står kvar nedan så att du kan ta vara på dem."
)
STALE_LAST_SAVED = _("Senast sparat %(when)s av %(who)s.")
NOW_SAVED = _("Nu sparat: %(value)s")
EMPTY = "–"


class StaleEditError(Exception):
    """The row's ``lock_version`` is no longer the one the edit started from; nothing was saved."""

    def __init__(self, model, pk, expected: int, current: int | None):
        self.model, self.pk, self.expected, self.current = model, pk, expected, current
        super().__init__(
            f"{model._meta.label} {pk}: lock_version is {current}, the edit expected {expected}"
        )


def is_locked_model(model) -> bool:
    """A concrete model of the project with a ``lock_version`` field (not a history model)."""
    from simple_history.models import HistoricalChanges

    if model._meta.abstract or model._meta.proxy or issubclass(model, HistoricalChanges):
        return False
    return any(f.name == FIELD for f in model._meta.concrete_fields)


def connect() -> None:
    """Hook :func:`_count_save` onto every model with a ``lock_version``."""
    for model in apps.get_models():
        if is_locked_model(model):
            pre_save.connect(
                _count_save, sender=model, dispatch_uid=f"lock_version:{model._meta.label}"
            )


def _count_save(sender, instance, raw=False, using=None, **kwargs) -> None:
    """Raise the row's ``lock_version`` before it is written (see the module docstring).

    With an expected value (set by :func:`save_if_current`) the raise only happens if the row
    still holds that value; otherwise :class:`StaleEditError` stops the save.
    """
    expected = instance.__dict__.pop(_EXPECTED, None)
    if raw or instance._state.adding or instance.pk is None:
        return  # a new row starts at the field's default; fixtures keep their value
    meta = sender._meta
    connection = connections[using or "default"]
    quote = connection.ops.quote_name
    column = quote(meta.get_field(FIELD).column)
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {column} = {column} + 1 "
        f"WHERE {quote(meta.pk.column)} = %s"
    )
    params = [meta.pk.get_db_prep_value(instance.pk, connection)]
    if expected is not None:
        sql += f" AND {column} = %s"
        params.append(expected)
    with connection.cursor() as cursor:
        cursor.execute(sql + f" RETURNING {column}", params)
        row = cursor.fetchone()
    if row is None:
        if expected is not None:
            current = (
                sender._base_manager.using(using)
                .filter(pk=instance.pk)
                .values_list(FIELD, flat=True)
                .first()
            )
            raise StaleEditError(sender, instance.pk, expected, current)
        return  # the row is gone; Django's save inserts it again with the instance's value
    setattr(instance, FIELD, row[0])


def save_if_current(instance, *, expected: int | None, **save_kwargs) -> None:
    """``instance.save(**save_kwargs)`` only if its row still has ``lock_version == expected``.

    Raises :class:`StaleEditError` (and writes nothing) otherwise. ``expected=None`` saves
    without the check (the count still goes up). Call it inside the service's transaction,
    so whatever the service wrote before is rolled back with it.
    """
    with transaction.atomic(using=save_kwargs.get("using")):
        if expected is not None:
            instance.__dict__[_EXPECTED] = int(expected)
        try:
            instance.save(**save_kwargs)
        finally:
            instance.__dict__.pop(_EXPECTED, None)


# --- forms ------------------------------------------------------------------------


def _display(instance, name: str) -> str:
    """The stored value of field ``name`` as a person reads it."""
    field = instance._meta.get_field(name)
    if field.many_to_many:
        return ", ".join(str(o) for o in getattr(instance, name).all()) or EMPTY
    if field.is_relation:
        value = getattr(instance, name)
        return str(value) if value is not None else EMPTY
    if field.choices:
        value = getattr(instance, f"get_{name}_display")()
        return str(value) if value not in (None, "") else EMPTY
    value = field.value_from_object(instance)
    if isinstance(value, bool):
        return str(_("ja") if value else _("nej"))
    if value in (None, ""):
        return EMPTY
    if isinstance(value, (int, float, Decimal)):
        return numbers.format_number(value)  # "2,5", not "2,50" or "2.5"
    return str(localize(value))


class LockVersionFormMixin:
    """For a ModelForm editing a model with ``lock_version``: carries the version it was opened with.

    An unsaved instance gets no field. After validation the value is in
    ``expected_lock_version`` and not in ``cleaned_data``, so views that pass
    ``cleaned_data`` on to a service are unchanged. :meth:`refuse_stale` turns the form
    into the refusal page.
    """

    expected_lock_version: int | None = None
    #: Filled by :meth:`refuse_stale`: ``(field name, what is now saved)`` for each field
    #: where the user's input and the saved value differ.
    stale_differences: list[tuple[str, str]] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if getattr(self.instance, "pk", None) is not None:
            self.fields[FIELD] = numbers.IntegerField(
                widget=forms.HiddenInput,
                required=False,
                min_value=1,
                initial=getattr(self.instance, FIELD),
            )

    def clean(self):
        cleaned = super().clean()
        self.expected_lock_version = self.cleaned_data.pop(FIELD, None)
        return cleaned

    def refuse_stale(self, *, reason=None) -> None:
        """Show that someone else saved first: message, what is saved now, current version.

        The user's input stays in the form. Under each field whose input differs from what
        is now stored, the stored value is shown; the hidden ``lock_version`` becomes the
        current one, so submitting again deliberately overwrites. ``reason``: why the
        object can no longer be edited at all (e.g. it has been signed since), if so.
        """
        model = type(self.instance)
        current = model._default_manager.filter(pk=self.instance.pk).first()
        if current is None:  # deleted meanwhile: there is nothing left to save into
            raise Http404
        message = STALE_MESSAGE if reason is None else STALE_CLOSED_MESSAGE
        errors = [message % {"object": current}]
        history = getattr(current, "history", None)
        last = history.select_related("history_user").first() if history is not None else None
        if last is not None and last.history_user is not None:
            who = last.history_user.get_full_name() or last.history_user.get_username()
            errors.append(
                STALE_LAST_SAVED % {"when": localize(localtime(last.history_date)), "who": who}
            )
        if reason is not None:
            errors.append(reason)
        for error in errors:
            self.add_error(None, error)

        model_fields = {f.name for f in model._meta.get_fields()}
        names = [
            n for n, f in self.fields.items() if n != FIELD and n in model_fields and not f.disabled
        ]
        stored = model_to_dict(current, fields=names)
        self.stale_differences = []
        for name in names:
            field = self.fields[name]
            if field.has_changed(stored.get(name), self[name].data):
                shown = _display(current, name)
                self.stale_differences.append((name, shown))
                # Crispy and Django print help_text unescaped; the stored value is user input.
                # The bound field keeps its own copy of the help text, so both are set.
                help_text = format_html(
                    '<strong class="text-danger">{}</strong> {}',
                    NOW_SAVED % {"value": shown},
                    field.help_text or "",
                )
                field.help_text = self[name].help_text = help_text

        data = self.data.copy()
        data[self.add_prefix(FIELD)] = str(getattr(current, FIELD))
        self.data = data
