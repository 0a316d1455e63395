"""Library search that understands the words therapists use: "paced breathing" finds "Slow belly
breathing", "PMR" finds progressive muscle relaxation, "ERP" the resisting-rituals log.

Pure functions: a query becomes terms (each word with the words that mean the same here), and an
exercise matches when every term is found in its text (title, summary, "why this helps", tags,
category). Words match at the start of a word, so "breath" finds "breathing" and "act" does not
find "exact".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Each group: words and phrases that name the same practice. A query word in a group matches any
# member; multi-word members are matched as phrases.
SYNONYM_GROUPS: tuple[frozenset[str], ...] = tuple(
    frozenset(group)
    for group in (
        {"paced", "slow", "belly", "diaphragmatic", "abdominal", "deep"},
        {"breathing", "breath", "breathe", "breaths"},
        {"pmr", "progressive muscle relaxation", "muscle", "tense", "tensing"},
        {"relaxation", "relax", "calm", "calming", "soothe", "soothing"},
        {"imagery", "visualisation", "visualization", "calm place", "safe place"},
        {"mindfulness", "mindful", "body scan", "grounding", "present moment"},
        {"erp", "response prevention", "rituals", "compulsions", "ocd"},
        {"exposure", "fear", "facing", "brave", "approach"},
        {"hierarchy", "ladder", "steps", "suds"},
        {"panic", "interoceptive", "body sensations"},
        {"worry", "worries", "gad", "anxiety", "anxious", "nervous"},
        {"depression", "depressed", "low mood", "mood"},
        {"behavioural activation", "behavioral activation", "ba", "activity", "activities"},
        {"thought record", "thoughts", "thinking", "cognitive", "restructuring", "cbt"},
        {"thinking traps", "distortions", "cognitive distortions", "unhelpful thinking"},
        {"defusion", "act", "acceptance", "unhooking", "sticky thought"},
        {"values", "committed action", "what matters"},
        {"sleep", "insomnia", "cbt-i", "cbti", "bedtime", "sleep diary"},
        {"praise", "labelled praise", "labeled praise", "specific praise"},
        {"pcit", "special play", "play", "child-led", "child directed"},
        {"time-out", "timeout", "time out", "calm-down", "calm down"},
        {"ignoring", "planned ignoring", "extinction"},
        {"instructions", "commands", "directions", "compliance"},
        {"reward", "rewards", "sticker", "token", "points"},
        {"behaviour", "behavior", "tantrums", "defiance", "abc"},
        {"accommodation", "space", "family accommodation", "supportive statements"},
        {"parent", "parenting", "caregiver", "carer", "family"},
        {"child", "children", "kid", "kids", "youth", "teen", "teenager", "adolescent"},
        {"safety plan", "crisis", "suicide", "suicidal", "self-harm", "self harm"},
        {"dbt", "diary card", "chain analysis", "distress tolerance", "tipp"},
        {"emotion", "emotions", "feelings", "feeling", "affect"},
        {"anger", "angry", "irritable", "frustration"},
        {"assertive", "assertiveness", "request", "saying no"},
        {"social", "friends", "friendship", "conversation", "social skills"},
        {"problem solving", "problem-solving", "solutions"},
        {"relapse prevention", "staying well", "maintenance", "relapse"},
        {"gratitude", "good things", "positive"},
        {"trauma", "ptsd", "memory", "imaginal"},
        {"listening", "active listening", "validation", "validate"},
    )
)
_WORD = re.compile(r"[\w'-]+")


def normalise(text: str) -> str:
    """Lower case, one space between words, punctuation other than - and ' dropped."""
    return " ".join(_WORD.findall(text.lower()))


def terms(query: str) -> list[frozenset[str]]:
    """One term per query word or known phrase: the set of words that would satisfy it."""
    text = normalise(query)
    found: list[frozenset[str]] = []
    # Known phrases first ("thought record", "response prevention"), then the words left.
    for group in SYNONYM_GROUPS:
        for member in sorted(group, key=len, reverse=True):
            if " " in member and re.search(rf"\b{re.escape(member)}\b", text):
                found.append(group)
                text = re.sub(rf"\b{re.escape(member)}\b", " ", text)
    for word in text.split():
        groups = [group for group in SYNONYM_GROUPS if word in group]
        found.append(frozenset({word}.union(*groups)))
    return found


def matches(query_terms: Iterable[frozenset[str]], text: str) -> bool:
    """Every term is found in the text, at the start of a word."""
    haystack = " " + normalise(text)
    return all(any(f" {alternative}" in haystack for alternative in term) for term in query_terms)


def searchable_text(*parts: object) -> str:
    """What one exercise is searched by, joined; lists (tags) are spread, dashes read as spaces
    too so "time-out" finds "time out"."""
    words: list[str] = []
    for part in parts:
        if isinstance(part, list | tuple):
            words.extend(str(item) for item in part)
        elif part:
            words.append(str(part))
    text = " ".join(words)
    return f"{text} {text.replace('-', ' ')}"


def _reader_why(version: object) -> str:
    from stepwise.lib.language import base_language

    code = base_language()
    texts = (getattr(version, "translations", None) or {}).get(code) if code != "en" else None
    found = texts.get("why_this_helps", "") if isinstance(texts, dict) else ""
    return found if isinstance(found, str) else ""


def matching_ids(definitions: Iterable[object], query: str) -> list[int]:
    """The ids of the definitions (with their current version) that match the query."""
    from stepwise.library.models import CATEGORY_LABELS

    query_terms = terms(query)
    if not query_terms:
        return []
    ids: list[int] = []
    for definition in definitions:
        version = getattr(definition, "current_version", None)
        document = getattr(version, "document", None) or {}
        category = str(getattr(definition, "category", ""))
        text = searchable_text(
            getattr(definition, "title", ""),
            getattr(definition, "summary", ""),
            getattr(definition, "slug", ""),
            CATEGORY_LABELS.get(category, category),
            document.get("why_this_helps", ""),
            document.get("tags", []),
            # and in the reader's language, where it has a translation
            str(getattr(definition, "reader_title", "")),
            str(getattr(definition, "reader_summary", "")),
            _reader_why(version),
        )
        if matches(query_terms, text):
            ids.append(int(getattr(definition, "pk", 0)))
    return ids
