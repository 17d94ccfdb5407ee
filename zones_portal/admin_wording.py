"""Django admin sentences worded again for Persian readers.

Django's own Persian catalogue glues our plural names into sentences such as
"حذف اعلان‌ها های انتخاب شده". Our catalogue (LOCALE_PATHS) wins over Django's, but makemessages keeps
only the strings our code marks, so they are marked here, never called: the Persian wording lives in
locale/fa/LC_MESSAGES/django.po beside the rest.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

OVERRIDDEN = (
    gettext_noop("Delete selected %(verbose_name_plural)s"),
    gettext_noop("Successfully deleted %(count)d %(items)s."),
    gettext_noop(
        "Are you sure you want to delete the selected %(objects_name)s? All of the following objects and "
        "their related items will be deleted:"
    ),
    gettext_noop(
        "Deleting the selected %(objects_name)s would require deleting the following protected related objects:"
    ),
    gettext_noop(
        "Deleting the selected %(objects_name)s would result in deleting related objects, but your account "
        "doesn't have permission to delete the following types of objects:"
    ),
    ngettext_lazy(
        "%(count)s %(name)s was changed successfully.",
        "%(count)s %(name)s were changed successfully.",
        "count",
    ),
    ngettext_lazy("%(total_count)s selected", "All %(total_count)s selected", "total_count"),
    gettext_noop("0 of %(cnt)s selected"),
    gettext_noop("Select all %(total_count)s %(module_name)s"),
    gettext_noop("Select %s to change"),
    gettext_noop("Select %s to view"),
    gettext_noop("The %(name)s “%(obj)s” was deleted successfully."),
    gettext_noop("The {name} “{obj}” was added successfully."),
    gettext_noop("The {name} “{obj}” was changed successfully."),
    gettext_noop("The {name} “{obj}” was added successfully. You may add another {name} below."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may edit it again below."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may add another {name} below."),
)
