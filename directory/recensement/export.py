"""A campaign's answers as a table, then as CSV (formulas neutralised) or XLSX (openpyxl).

Pure functions: the view reads the answers through the selector, these turn
them into bytes. One row per answer (a link answered twice gives two rows).
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from django.utils import timezone
from django.utils.translation import gettext

from directory.models import Campaign, CampaignQuestion, ChangeRequest
from directory.spreadsheets import spreadsheet_writer


def answers_table(campaign: Campaign, answers) -> tuple[list[str], list[list]]:
    questions = [q for q in campaign.questions.order_by("position", "pk") if q.kind != "needs"]
    header = [
        gettext("Organisation"),
        gettext("Answer number"),
        gettext("Submitted on"),
        gettext("Answered by"),
        gettext("Respondent's e-mail"),
        *[question.localized("label") for question in questions],
        gettext("Needs"),
        gettext("Services confirmed"),
        gettext("Corrections sent"),
        gettext("Corrections approved"),
        gettext("Comment"),
    ]
    rows = []
    for answer in answers:
        requests = list(answer.change_requests.all())
        rows.append(
            [
                answer.invitation.organisation.name,
                answer.sequence,
                timezone.localtime(answer.submitted_at).strftime("%Y-%m-%d %H:%M"),
                answer.respondent_name,
                answer.respondent_email,
                *[
                    answer_text(question, answer.answers.get(str(question.pk)))
                    for question in questions
                ],
                "\n".join(_need_text(need) for need in answer.needs.all()),
                "\n".join(service.name for service in answer.confirmed_services.all()),
                len(requests),
                sum(1 for r in requests if r.status == ChangeRequest.Status.APPROVED),
                answer.comment,
            ]
        )
    return header, rows


def answer_text(question: CampaignQuestion, value) -> object:
    if value is None:
        return ""
    if question.kind == CampaignQuestion.Kind.YES_NO:
        return gettext("Yes") if value == "yes" else gettext("No")
    return value


def _need_text(need) -> str:
    parts = [need.category.label if need.category else gettext("Uncategorised")]
    if need.territory:
        parts.append(need.territory.name)
    return " — ".join(parts) + f" : {need.text}"


def answers_csv(header: list[str], rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = spreadsheet_writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    # UTF-8 with a byte order mark: Excel then reads the accents right.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def answers_xlsx(header: list[str], rows: list[list], *, title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = (title or "Réponses")[:31].translate(str.maketrans("", "", "[]:*?/\\"))
    for row in [header, *rows]:
        sheet.append(row)
    # A text cell starting with "=" would be stored as a formula: keep every text as text.
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str) and cell.data_type == "f":
                cell.data_type = "s"
    for index, title_cell in enumerate(sheet[1], start=1):
        title_cell.font = title_cell.font.copy(bold=True)
        sheet.column_dimensions[get_column_letter(index)].width = 24
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
