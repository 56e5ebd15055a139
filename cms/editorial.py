"""Who writes and who approves the site's pages: roles, page permissions, the workflow.

*Éditeurs* and *Rédacteurs* draft (add and edit pages, submit them for
moderation); *Modérateurs* approve and publish. Every page goes through one
workflow, "Publication", whose single step, "Approbation", is for the
*Modérateurs*. The permissions sit on the root page, so both language trees
follow them. Staff may change all of it in the admin afterwards.

:func:`editorial_ensure` is idempotent and takes the apps registry, so that
the data migration (historical models) and the test fixtures (a flushed
database) build the same thing.
"""

from __future__ import annotations

from directory import access

WORKFLOW_NAME = "Publication"
TASK_NAME = "Approbation des Modérateurs"
DRAFTING_ROLES = (access.EDITORS.name, "Rédacteurs")
DRAFT_PERMISSIONS = ("add_page", "change_page")
APPROVE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
#: What the moderators need besides pages: open the admin.
MODERATOR_PERMISSIONS = (access.ACCESS_ADMIN,)
#: The site's models that every CMS role edits (news categories, the menu, promotions).
SITE_MODEL_PERMISSIONS = (
    *(f"cms.{a}_newscategory" for a in ("add", "change", "delete", "view")),
    "cms.change_mainmenu",
    *(f"wagtailsearchpromotions.{a}_searchpromotion" for a in ("add", "change", "delete", "view")),
)
#: Collection permissions on documents and images, for every CMS role.
COLLECTION_PERMISSIONS = (
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
)


def editorial_ensure(apps) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")

    root = Page.objects.filter(depth=1).order_by("path").first()
    if root is None:
        return
    page_permissions = {
        p.codename: p for p in Permission.objects.filter(content_type__app_label="wagtailcore")
    }

    def grant(group, codenames):
        for codename in codenames:
            GroupPagePermission.objects.get_or_create(
                group=group, page=root, permission=page_permissions[codename]
            )

    for name in DRAFTING_ROLES:
        group, _created = Group.objects.get_or_create(name=name)
        grant(group, DRAFT_PERMISSIONS)
        # Publishing is the moderators' step of the workflow.
        GroupPagePermission.objects.filter(
            group=group, permission__codename="publish_page"
        ).delete()
    moderators, _created = Group.objects.get_or_create(name=access.MODERATORS.name)
    grant(moderators, APPROVE_PERMISSIONS)
    access.role_grant(apps, access.MODERATORS, MODERATOR_PERMISSIONS)

    collection = Collection.objects.filter(depth=1).order_by("path").first()
    for name in (*DRAFTING_ROLES, access.MODERATORS.name):
        group = Group.objects.get(name=name)
        group.permissions.add(*(_permission(Permission, perm) for perm in SITE_MODEL_PERMISSIONS))
        if collection is not None:
            for perm in COLLECTION_PERMISSIONS:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=collection, permission=_permission(Permission, perm)
                )

    content_type, _created = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(
            name=TASK_NAME, content_type=content_type, active=True
        )
    task.groups.set([moderators])
    workflow, _created = Workflow.objects.get_or_create(
        name=WORKFLOW_NAME, defaults={"active": True}
    )
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})
    # Wagtail's default workflow (made for its "Moderators" group, now Éditeurs) is retired.
    Workflow.objects.exclude(pk=workflow.pk).filter(workflow_pages__isnull=True).update(
        active=False
    )


def _permission(Permission, perm: str):
    app_label, codename = perm.split(".", 1)
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)
