"""Wagtail pages and models of the site, one module per concern."""

from .documents import SiteDocument
from .forms import FormField, FormPage
from .home import HomePage
from .menus import MainMenu, MainMenuItem
from .news import NewsArticlePage, NewsArticleTag, NewsCategory, NewsIndexPage
from .project import LineOfWorkPage, Partner, PartnersPage
from .standard import StandardPage
from .toolkit import (
    FicheAnnouncement,
    FicheDocument,
    FichePage,
    FicheService,
    ToolkitIndexPage,
    ToolkitModulePage,
    ToolkitSubscription,
)
from .workshops import WorkshopIndexPage, WorkshopMaterial, WorkshopPage

__all__ = [
    "FicheAnnouncement",
    "FicheDocument",
    "FichePage",
    "FicheService",
    "FormField",
    "FormPage",
    "HomePage",
    "LineOfWorkPage",
    "MainMenu",
    "MainMenuItem",
    "NewsArticlePage",
    "NewsArticleTag",
    "NewsCategory",
    "NewsIndexPage",
    "Partner",
    "PartnersPage",
    "SiteDocument",
    "StandardPage",
    "ToolkitIndexPage",
    "ToolkitModulePage",
    "ToolkitSubscription",
    "WorkshopIndexPage",
    "WorkshopMaterial",
    "WorkshopPage",
]
