"""Pages of the forum. Thin: parse, call one selector or service, render or redirect.

Every write view answers a plain form post (works without JavaScript) with a
redirect and a message; the small ES modules in ``forum/static/forum/js`` post
the same forms with ``Accept: application/json`` and get JSON back.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from forum import access, forms, moderation, rendering, search, selectors, services
from forum.markdown import quote_markdown
from forum.models import (
    Attachment,
    Category,
    ForumGroup,
    GroupMembership,
    ModerationAction,
    Post,
    Suspension,
    Tag,
    Thread,
)

User = get_user_model()


def _next_url(request, default: str) -> str:
    """The ``next`` field when it points into this site, else ``default``."""
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _errors(error: ValidationError) -> list[str]:
    return list(error.messages)


def thread_url(thread: Thread, page: int = 1, anchor: str = "") -> str:
    url = reverse("forum:thread", kwargs={"thread_id": thread.pk, "slug": thread.slug})
    if page > 1:
        url += f"?page={page}"
    return url + (f"#{anchor}" if anchor else "")


def post_url(post: Post) -> str:
    return thread_url(post.thread, selectors.post_page_number(post=post), f"post-{post.number}")


# --- Spaces -----------------------------------------------------------------------------------


@require_safe
def index(request):
    context = selectors.forum_index(reader=request.user)
    context["may_view_queue"] = request.user.has_perm(access.VIEW_QUEUE)
    return render(request, "forum/index.html", context)


def _space_page(request, space, *, template: str, extra: dict):
    tag = None
    if request.GET.get("tag"):
        tag = Tag.objects.filter(slug=request.GET["tag"]).first()
    may_read = request.user.has_perm(access.READ_SPACE, space)
    threads = selectors.space_threads(reader=request.user, space=space, tag=tag) if may_read else []
    page = Paginator(threads, selectors.threads_per_page()).get_page(request.GET.get("page"))
    context = {
        "space": space,
        "page_obj": page,
        "threads": page.object_list,
        "tag": tag,
        "tags": Tag.objects.filter(
            threads__in=Thread.objects.visible_to(request.user).filter(
                **({"category": space} if isinstance(space, Category) else {"group": space})
            )
        ).distinct()
        if may_read
        else [],
        "may_read": may_read,
        "may_start": request.user.has_perm(access.START_THREAD, space),
        "may_moderate": request.user.has_perm(access.MODERATE, space),
        **extra,
    }
    return render(request, template, context)


@require_safe
def category_detail(request, slug):
    category = selectors.category_get(reader=request.user, slug=slug)
    return _space_page(request, category, template="forum/space.html", extra={"kind": "category"})


@require_safe
def group_detail(request, slug):
    group = selectors.group_get(reader=request.user, slug=slug)
    membership = selectors.group_membership_of(user=request.user, group=group)
    return _space_page(
        request,
        group,
        template="forum/space.html",
        extra={
            "kind": "group",
            "membership": membership,
            "may_join": request.user.has_perm(access.JOIN_GROUP, group),
            "may_manage": request.user.has_perm(access.MANAGE_GROUP, group),
            "join_form": forms.JoinForm(),
        },
    )


def _space_from(kind: str, slug: str, reader):
    if kind == "category":
        return selectors.category_get(reader=reader, slug=slug)
    if kind == "group":
        return selectors.group_get(reader=reader, slug=slug)
    raise Http404


def _files_attach(request, *, target) -> list[str]:
    """Files sent with a form go to the member's draft for ``target``; errors come back."""
    errors = []
    for uploaded in request.FILES.getlist("files")[:5]:
        try:
            services.attachment_add(user=request.user, uploaded=uploaded, target=target)
        except ValidationError as error:
            errors.extend(f"{uploaded.name}: {message}" for message in error.messages)
    return errors


@login_required
@require_http_methods(["GET", "POST"])
def thread_new(request, kind, slug):
    space = _space_from(kind, slug, request.user)
    if not request.user.has_perm(access.START_THREAD, space):
        raise PermissionDenied
    draft = selectors.draft_for(user=request.user, target=space)
    if request.method == "POST":
        form = forms.ThreadForm(request.POST)
        file_errors = _files_attach(request, target=space)
        if "save_draft" in request.POST:
            services.draft_save(
                user=request.user,
                target=space,
                title=request.POST.get("title", ""),
                body=request.POST.get("body", ""),
            )
            messages.success(request, _("Your draft is saved. Find it here on any device."))
            return redirect(request.path)
        if form.is_valid() and not file_errors:
            draft = selectors.draft_for(user=request.user, target=space)
            try:
                thread = services.thread_create(
                    author=request.user,
                    space=space,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    tags=form.cleaned_data["tags"],
                    client_id=form.cleaned_data["client_id"],
                    attachment_ids=[a.pk for a in draft.attachments.all()] if draft else [],
                )
            except ValidationError as error:
                for name, errors in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                messages.success(request, _("Your thread is published."))
                return redirect(thread_url(thread))
        for message in file_errors:
            form.add_error(None, message)
    else:
        initial = {"client_id": uuid.uuid4().hex}
        if draft:
            initial.update(title=draft.title, body=draft.body)
        form = forms.ThreadForm(initial=initial)
    return render(
        request,
        "forum/thread_new.html",
        {"space": space, "kind": kind, "form": form, "draft": draft},
    )


# --- Threads ----------------------------------------------------------------------------------


def _post_permissions(user, thread: Thread, posts: list) -> None:
    """What each post offers the reader, and its URLs (built once per page, not per post:
    reversing ten URLs for each of 20 posts was a third of the page's time)."""
    posts_prefix = reverse("forum:post", args=[0])[: -len("0/")]
    organisations_prefix = reverse("directory:organisation_detail", args=["slug"])[: -len("slug/")]
    attachments_prefix = reverse("forum:attachment", args=[0])[: -len("0/")]
    for post in posts:
        post.url = f"{posts_prefix}{post.pk}/"
        for membership in post.author_memberships:
            membership.organisation_url = f"{organisations_prefix}{membership.organisation.slug}/"
        for attachment in post.attachment_list:
            attachment.url = f"{attachments_prefix}{attachment.pk}/"
        post.thread = thread
        post.may_read_text = not post.is_hidden or user.has_perm(access.READ_HIDDEN_POST, post)
        post.may_edit = user.has_perm(access.EDIT_POST, post)
        post.may_react = user.has_perm(access.REACT, post)
        post.may_flag = user.has_perm(access.FLAG, post)
        post.is_solution = thread.solution_id == post.pk


@require_safe
def thread_detail(request, thread_id, slug=None):
    thread = selectors.thread_get(reader=request.user, thread_id=thread_id)
    if slug != thread.slug:
        return redirect(thread_url(thread), permanent=True)
    try:
        page_number = int(request.GET.get("page", "1"))
    except ValueError:
        page_number = 1
    cache_key = _visitor_page_key(request, thread, page_number)
    if cache_key is not None:
        cached = cache.get(cache_key)
        if cached is not None:
            return HttpResponse(cached)
    page = selectors.thread_page(reader=request.user, thread=thread, page=page_number)
    user = request.user
    _post_permissions(user, thread, page.posts)
    may_reply = user.has_perm(access.REPLY, thread)
    # A fresh client id per rendered form: a form sent twice (double click, resend) posts once.
    initial = {"client_id": uuid.uuid4().hex}
    if page.draft:
        initial["body"] = page.draft.body
    quote_id = request.GET.get("quote", "")
    if may_reply and quote_id.isdigit():
        quoted = next((p for p in page.posts if p.pk == int(quote_id)), None)
        if quoted is None:
            quoted = (
                Post.objects.filter(thread=thread, pk=int(quote_id))
                .select_related("author")
                .first()
            )
        if quoted is not None and (not quoted.is_hidden):
            initial["body"] = (initial.get("body", "") + "\n\n" if initial.get("body") else "") + (
                quote_markdown(
                    body=quoted.body,
                    author_name=str(quoted.author or ""),
                    author_handle=getattr(quoted.author, "handle", None),
                    post_id=quoted.pk,
                )
            )
    page_context = rendering.PageContext(
        csrf_input=format_html(
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
        )
        if access.signed_in(user)
        else "",
        may_reply=may_reply,
        may_accept=user.has_perm(access.ACCEPT_ANSWER, thread),
        may_moderate=user.has_perm(access.MODERATE, thread),
        page=page.page,
    )
    for post in page.posts:
        post.article = rendering.post_article(post, page_context)
    if page.posts and access.signed_in(user):
        services.read_mark(
            user=user, thread=thread, number=page.posts[-1].number, state=page.read_state
        )
    response = render(
        request,
        "forum/thread.html",
        {
            "thread": thread,
            "space": thread.space,
            "page": page,
            "posts": page.posts,
            "pages": range(1, page.pages + 1),
            "form": forms.PostForm(initial=initial) if may_reply else None,
            "may_reply": may_reply,
            "may_moderate": page_context.may_moderate,
            "may_accept": page_context.may_accept,
        },
    )
    if cache_key is not None:
        cache.set(cache_key, response.content, settings.FORUM_PAGE_CACHE_SECONDS)
    return response


def _visitor_page_key(request, thread: Thread, page: int) -> str | None:
    """The cache key of a thread page as visitors see it, or None when it must be built.

    Rendered once, served many times: every change to a thread moves its
    ``last_seq`` (each writes a ThreadEvent), which is in the key, so a
    visitor never gets a page older than the thread's last change; what
    changes without an event (an author's name, an organisation's) shows within
    ``FORUM_PAGE_CACHE_SECONDS``. Members' pages carry their own rights,
    reactions, drafts and read marks: never cached.
    """
    if settings.FORUM_PAGE_CACHE_SECONDS <= 0 or access.signed_in(request.user):
        return None
    if request.GET.keys() - {"page"} or len(messages.get_messages(request)):
        return None
    created = int(thread.created_at.timestamp())
    language = translation.get_language()
    return f"forum:thread-page:{thread.pk}:{created}:{thread.last_seq}:{page}:{language}"


@require_safe
def thread_unread(request, thread_id):
    thread = selectors.thread_get(reader=request.user, thread_id=thread_id)
    if not access.signed_in(request.user):
        return redirect(thread_url(thread))
    page, number = selectors.first_unread_page(reader=request.user, thread=thread)
    return redirect(thread_url(thread, page, f"post-{number}" if number else "reply"))


@login_required
@require_POST
def reply(request, thread_id):
    thread = selectors.thread_get(reader=request.user, thread_id=thread_id)
    if not request.user.has_perm(access.REPLY, thread):
        raise PermissionDenied
    form = forms.PostForm(request.POST)
    file_errors = _files_attach(request, target=thread)
    if "save_draft" in request.POST:
        services.draft_save(user=request.user, target=thread, body=request.POST.get("body", ""))
        messages.success(request, _("Your draft is saved. Find it here on any device."))
        return redirect(thread_url(thread, thread_pages(thread), "reply"))
    if form.is_valid() and not file_errors:
        draft = selectors.draft_for(user=request.user, target=thread)
        try:
            post = services.post_create(
                author=request.user,
                thread=thread,
                body=form.cleaned_data["body"],
                client_id=form.cleaned_data["client_id"],
                attachment_ids=[a.pk for a in draft.attachments.all()] if draft else [],
            )
        except ValidationError as error:
            file_errors.extend(_errors(error))
        else:
            if _wants_json(request):
                return JsonResponse({"post": post.pk, "number": post.number, "url": post_url(post)})
            messages.success(request, _("Your reply is posted."))
            return redirect(post_url(post))
    else:
        file_errors.extend(e for errors in form.errors.values() for e in errors)
    if _wants_json(request):
        return JsonResponse({"errors": file_errors}, status=400)
    # Keep what the member wrote: it waits in their draft, shown with the errors.
    services.draft_save(user=request.user, target=thread, body=request.POST.get("body", ""))
    for message in file_errors:
        messages.error(request, message)
    return redirect(thread_url(thread, thread_pages(thread), "reply"))


def thread_pages(thread: Thread) -> int:
    per_page = selectors.posts_per_page()
    return max(1, (thread.post_count + per_page - 1) // per_page)


# --- Posts ------------------------------------------------------------------------------------


@require_safe
def post_permalink(request, post_id):
    post = selectors.post_get(reader=request.user, post_id=post_id)
    return redirect(post_url(post))


@require_safe
def post_quote(request, post_id):
    """The Markdown that quotes a post (for the quote button's script)."""
    post = selectors.post_get(reader=request.user, post_id=post_id)
    if post.is_hidden:
        raise Http404
    return JsonResponse(
        {
            "markdown": quote_markdown(
                body=post.body,
                author_name=str(post.author or ""),
                author_handle=getattr(post.author, "handle", None),
                post_id=post.pk,
            )
        }
    )


@login_required
@require_http_methods(["GET", "POST"])
def post_edit(request, post_id):
    post = selectors.post_get(reader=request.user, post_id=post_id)
    if not request.user.has_perm(access.EDIT_POST, post):
        raise PermissionDenied
    form = forms.EditForm(request.POST or None, initial={"body": post.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.post_edit(post=post, editor=request.user, body=form.cleaned_data["body"])
        except ValidationError as error:
            form.add_error("body", error.messages)
        else:
            messages.success(request, _("The post is updated."))
            return redirect(post_url(post))
    return render(request, "forum/post_edit.html", {"post": post, "form": form})


@require_safe
def post_history(request, post_id):
    post = selectors.post_get(reader=request.user, post_id=post_id)
    if post.is_hidden and not request.user.has_perm(access.READ_HIDDEN_POST, post):
        raise Http404
    return render(
        request,
        "forum/post_history.html",
        {"post": post, "revisions": selectors.post_revisions(post=post)},
    )


@login_required
@require_POST
def react(request, post_id):
    post = selectors.post_get(reader=request.user, post_id=post_id)
    form = forms.ReactionForm(request.POST)
    if not form.is_valid():
        raise Http404
    if not request.user.has_perm(access.REACT, post):
        raise PermissionDenied
    added = services.reaction_toggle(post=post, user=request.user, kind=form.cleaned_data["kind"])
    if _wants_json(request):
        count = post.reactions.filter(kind=form.cleaned_data["kind"]).count()
        return JsonResponse({"added": added, "count": count, "kind": form.cleaned_data["kind"]})
    return redirect(post_url(post))


@login_required
@require_POST
def accept(request, post_id):
    post = selectors.post_get(reader=request.user, post_id=post_id)
    thread = post.thread
    if not request.user.has_perm(access.ACCEPT_ANSWER, thread):
        raise PermissionDenied
    try:
        if thread.solution_id == post.pk:
            services.answer_accept(thread=thread, post=None, by=request.user)
            messages.success(request, _("The answer is no longer marked as accepted."))
        else:
            services.answer_accept(thread=thread, post=post, by=request.user)
            messages.success(request, _("The answer is marked as accepted."))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect(post_url(post))


@login_required
@require_http_methods(["GET", "POST"])
def flag(request, post_id):
    post = selectors.post_get(reader=request.user, post_id=post_id)
    if not request.user.has_perm(access.FLAG, post):
        raise PermissionDenied
    form = forms.FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            moderation.post_flag(
                post=post,
                user=request.user,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Thank you: a moderator will look at this post."))
        return redirect(post_url(post))
    return render(request, "forum/flag.html", {"post": post, "form": form})


# --- Drafts and attachments -----------------------------------------------------------------


def _target_from(request):
    reader = request.user
    if request.POST.get("thread", "").isdigit():
        return selectors.thread_get(reader=reader, thread_id=int(request.POST["thread"]))
    if request.POST.get("category"):
        return selectors.category_get(reader=reader, slug=request.POST["category"])
    if request.POST.get("group"):
        return selectors.group_get(reader=reader, slug=request.POST["group"])
    raise Http404


@login_required
@require_POST
def draft_save(request):
    """Saved as one types (draft.mjs), so that any device or session finds the text."""
    target = _target_from(request)
    draft = services.draft_save(
        user=request.user,
        target=target,
        title=request.POST.get("title", ""),
        body=request.POST.get("body", ""),
    )
    saved_at = timezone.localtime(draft.updated_at) if draft else None
    return JsonResponse({"saved": draft is not None, "at": saved_at.isoformat() if draft else None})


@require_safe
def attachment_download(request, attachment_id):
    attachment = get_object_or_404(Attachment, pk=attachment_id)
    if attachment.post_id:
        post = selectors.post_get(reader=request.user, post_id=attachment.post_id)
        if post.is_hidden and not request.user.has_perm(access.READ_HIDDEN_POST, post):
            raise Http404
    elif not (access.signed_in(request.user) and attachment.uploader_id == request.user.pk):
        raise Http404
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        as_attachment=not attachment.is_image,
        filename=attachment.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_POST
def attachment_remove(request, attachment_id):
    attachment = get_object_or_404(
        Attachment, pk=attachment_id, uploader=request.user, post__isnull=True
    )
    attachment.file.delete(save=False)
    attachment.delete()
    return redirect(_next_url(request, reverse("forum:index")))


# --- Search -----------------------------------------------------------------------------------


@require_safe
def search_view(request):
    form = forms.SearchForm(request.GET or None, reader=request.user)
    results = None
    page = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        author = None
        if data["author"]:
            author = User.objects.filter(handle=data["author"].lstrip("@").lower()).first()
        filters = search.Filters(
            text=data["q"],
            category=data["category"],
            group=data["group"],
            tag=data["tag"],
            author=author,
            since=data["since"],
            until=data["until"],
        )
        if data["author"] and author is None:
            results = []
        elif not filters.empty:
            posts = search.posts_search(reader=request.user, filters=filters)
            page = Paginator(posts, 20).get_page(request.GET.get("page"))
            results = search.with_excerpts(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "forum/search.html",
        {"form": form, "results": results, "page_obj": page, "query": query.urlencode()},
    )


# --- Moderation -------------------------------------------------------------------------------


@login_required
@require_safe
def moderation_queue(request):
    if not request.user.has_perm(access.VIEW_QUEUE):
        raise PermissionDenied
    posts = selectors.moderation_queue(reader=request.user)[:100]
    return render(
        request,
        "forum/moderation_queue.html",
        {"posts": posts, "may_suspend": request.user.has_perm(access.SUSPEND)},
    )


@login_required
@require_POST
def moderate_post(request, post_id):
    post = selectors.post_get(reader=request.user, post_id=post_id)
    if not request.user.has_perm(access.MODERATE, post):
        raise PermissionDenied
    reason = request.POST.get("reason", "")[:2000]
    action = request.POST.get("action")
    if action == "hide":
        moderation.post_hide(post=post, moderator=request.user, reason=reason)
        messages.success(request, _("The post is hidden."))
    elif action == "restore":
        moderation.post_restore(post=post, moderator=request.user, reason=reason)
        messages.success(request, _("The post is visible again."))
    elif action == "dismiss":
        moderation.flags_dismiss(post=post, moderator=request.user, reason=reason)
        messages.success(request, _("The flags are dismissed."))
    else:
        raise Http404
    return redirect(_next_url(request, post_url(post)))


def _moderated_spaces(user):
    spaces = [c for c in Category.objects.all() if user.has_perm(access.MODERATE, c)]
    spaces += [g for g in ForumGroup.objects.all() if user.has_perm(access.MODERATE, g)]
    return spaces


@login_required
@require_http_methods(["GET", "POST"])
def moderate_thread(request, thread_id):
    thread = selectors.thread_get(reader=request.user, thread_id=thread_id)
    user = request.user
    if not user.has_perm(access.MODERATE, thread):
        raise PermissionDenied
    spaces = _moderated_spaces(user)
    replies = list(thread.posts.exclude(number=1).select_related("author").order_by("number"))
    action = request.POST.get("action") if request.method == "POST" else None
    reason_form = forms.ModerationReasonForm(request.POST or None)
    move_form = forms.MoveForm(request.POST if action == "move" else None, spaces=spaces)
    merge_form = forms.MergeForm(request.POST if action == "merge" else None)
    split_form = forms.SplitForm(request.POST if action == "split" else None, posts=replies)
    if action:
        reason = request.POST.get("reason", "")[:2000]
        try:
            if action in ("lock", "unlock"):
                moderation.thread_lock_set(
                    thread=thread, moderator=user, locked=action == "lock", reason=reason
                )
            elif action in ("pin", "unpin"):
                moderation.thread_pin_set(
                    thread=thread, moderator=user, pinned=action == "pin", reason=reason
                )
            elif action in ("hide", "unhide"):
                moderation.thread_hide_set(
                    thread=thread, moderator=user, hidden=action == "hide", reason=reason
                )
            elif action == "move" and move_form.is_valid():
                kind, pk = move_form.cleaned_data["to"].split(":")
                model = Category if kind == "category" else ForumGroup
                to = get_object_or_404(model, pk=int(pk))
                moderation.thread_move(thread=thread, moderator=user, to=to, reason=reason)
            elif action == "merge" and merge_form.is_valid():
                into = selectors.thread_get(reader=user, thread_id=merge_form.cleaned_data["into"])
                thread = moderation.thread_merge(
                    thread=thread, into=into, moderator=user, reason=reason
                )
            elif action == "split" and split_form.is_valid():
                thread = moderation.thread_split(
                    thread=thread,
                    moderator=user,
                    post_ids=split_form.cleaned_data["posts"],
                    title=split_form.cleaned_data["title"],
                    reason=reason,
                )
            else:
                raise ValidationError(_("Please correct the form below."))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        except PermissionDenied:
            messages.error(request, _("You do not moderate that space."))
        else:
            messages.success(request, _("Done: the action is in the moderation log."))
            return redirect(thread_url(thread))
    return render(
        request,
        "forum/moderate_thread.html",
        {
            "thread": thread,
            "reason_form": reason_form,
            "move_form": move_form,
            "merge_form": merge_form,
            "split_form": split_form,
            "may_suspend": user.has_perm(access.SUSPEND),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def suspend(request, user_id):
    if not request.user.has_perm(access.SUSPEND):
        raise PermissionDenied
    member = get_object_or_404(User, pk=user_id, is_active=True)
    form = forms.SuspendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            moderation.member_suspend(
                user=member,
                moderator=request.user,
                until=timezone.now() + timedelta(days=form.cleaned_data["days"]),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The member is suspended."))
            return redirect("forum:moderation_log")
    suspensions = Suspension.objects.filter(user=member).select_related("by")[:20]
    return render(
        request, "forum/suspend.html", {"member": member, "form": form, "suspensions": suspensions}
    )


@login_required
@require_safe
def moderation_log(request):
    if not request.user.has_perm(access.VIEW_QUEUE):
        raise PermissionDenied
    actions = ModerationAction.objects.select_related("moderator", "thread", "post", "target_user")
    if not request.user.has_perm(access.MODERATE_ANY):
        actions = actions.filter(
            thread__in=Thread.objects.filter(access.moderated_spaces_q(request.user))
        )
    page = Paginator(actions, 50).get_page(request.GET.get("page"))
    return render(request, "forum/moderation_log.html", {"page_obj": page})


# --- Groups -----------------------------------------------------------------------------------


@login_required
@require_POST
def group_join(request, slug):
    group = selectors.group_get(reader=request.user, slug=slug)
    form = forms.JoinForm(request.POST)
    message = form.cleaned_data["message"] if form.is_valid() else ""
    try:
        membership = services.group_join(group=group, user=request.user, message=message)
    except PermissionDenied:
        messages.error(request, _("You cannot join this group."))
    else:
        if membership.state == GroupMembership.State.ACTIVE:
            messages.success(request, _("You are a member of the group."))
        else:
            messages.success(request, _("Your request is sent to the group's moderators."))
    return redirect("forum:group", slug=group.slug)


@login_required
@require_POST
def group_leave(request, slug):
    group = selectors.group_get(reader=request.user, slug=slug)
    services.group_leave(group=group, user=request.user)
    messages.success(request, _("You left the group."))
    return (
        redirect("forum:group", slug=group.slug)
        if not group.is_private
        else redirect("forum:index")
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_members(request, slug):
    group = selectors.group_get(reader=request.user, slug=slug)
    if not request.user.has_perm(access.MANAGE_GROUP, group):
        raise PermissionDenied
    invite_form = forms.InviteForm(request.POST if request.POST.get("action") == "invite" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "invite":
                if invite_form.is_valid():
                    handle = invite_form.cleaned_data["handle"].lstrip("@").lower()
                    member = User.objects.filter(handle=handle, is_active=True).first()
                    if member is None:
                        raise ValidationError(_("No member has this handle."))
                    services.group_invite(group=group, user=member, by=request.user)
                    messages.success(request, _("The invitation is sent."))
                    return redirect(request.path)
            else:
                membership = get_object_or_404(
                    GroupMembership, pk=request.POST.get("membership"), group=group
                )
                if action in ("accept", "refuse"):
                    services.group_request_decide(
                        membership=membership, by=request.user, accept=action == "accept"
                    )
                elif action == "remove":
                    services.group_leave(group=group, user=membership.user, by=request.user)
                elif action in GroupMembership.Role.values:
                    services.group_role_set(membership=membership, by=request.user, role=action)
                else:
                    raise Http404
                messages.success(request, _("Done."))
                return redirect(request.path)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
    return render(
        request,
        "forum/group_members.html",
        {
            "group": group,
            "memberships": selectors.group_members(group=group),
            "invite_form": invite_form,
        },
    )
