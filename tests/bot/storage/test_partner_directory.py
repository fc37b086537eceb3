"""The partner directory's storage on SQLite and PostgreSQL: upserts, the bounded candidate
query, CSV import (all rows or none) and export, introduction requests."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine

from actions.matching import CsvImportError, export_csv, import_csv, seed_demo_directory
from actions.matching.directory_csv import COLUMNS
from bot.storage import NotFoundError, crud, session
from bot.storage.crud_partners import (
    CandidateQuery,
    count_organisations,
    create_introduction_request,
    delete_partner_data_of_sender,
    get_organisation_by_ref,
    list_introduction_requests,
    load_organisations,
    select_candidates,
    upsert_organisations,
)
from bot.storage.models_partners import (
    IntroductionRequest,
    Organisation,
    OrganisationCreate,
    OrganisationKeyword,
)

DEMO_CSV = Path(__file__).resolve().parents[3] / "data" / "partners" / "demo_directory.csv"
HEADER = ",".join(COLUMNS)
GOOD_ROW = (
    "T-1,Testbed Oy (demo),sme,small,FI,FI1B,bio,TO,Algae reactors,We grow algae.,"
    "algae;reactor,research_development_cooperation_agreement,lab_tested,fi;en,"
    "https://testbed.example,true"
)


def _org(
    ref: str, country: str = "SE", profile_type: str = "TO", **kw: object
) -> OrganisationCreate:
    values: dict[str, object] = {
        "ref": ref,
        "name": f"{ref} AB (demo)",
        "org_type": "sme",
        "country": country,
        "profile_type": profile_type,
        "title": "Algae reactors",
        "description": "Photobioreactors for microalgae.",
        "is_demo": True,
        "s3_fields": ["bio"],
        "partnership_types": ["research_development_cooperation_agreement"],
        "search_terms": ["algae", "reactor", "photobioreactor"],
        **kw,
    }
    return OrganisationCreate.model_validate(values)


def test_upsert_organisations_inserts_then_updates_in_place(engine: Engine) -> None:
    with session(engine) as db:
        assert upsert_organisations(session=db, organisations=[_org("A"), _org("B")]) == (2, 0)
    with session(engine) as db:
        first = get_organisation_by_ref(session=db, ref="A")
        assert first is not None
        changed = _org("A", country="DK", s3_fields=["energy", "maritime"], search_terms=["wind"])
        assert upsert_organisations(session=db, organisations=[changed]) == (0, 1)
    with session(engine) as db:
        [record] = load_organisations(session=db, ids=[first.id or 0])
        assert record.organisation.country == "DK"
        assert record.organisation.created_at == first.created_at
        assert record.s3_fields == ("energy", "maritime")
        assert record.search_terms == ("wind",)
        assert db.scalar(select(func.count()).select_from(OrganisationKeyword)) == 4


def test_select_candidates_applies_the_hard_filters(engine: Engine) -> None:
    orgs = [
        _org("same-country", country="FI"),
        _org("wrong-direction", profile_type="BO", partnership_types=["supplier_agreement"]),
        _org("no-shared-type", partnership_types=["investment_agreement"]),
        _org("fits"),
        _org("fits-no-keyword", search_terms=["unrelated"], s3_fields=["energy"]),
    ]
    with session(engine) as db:
        upsert_organisations(session=db, organisations=orgs)
        query = CandidateQuery(
            profile_types=("TO",),
            partnership_types=("research_development_cooperation_agreement",),
            exclude_country="FI",
            s3_fields=("bio",),
            terms=("algae",),
        )
        found = select_candidates(session=db, query=query)
        refs = [
            r.organisation.ref for r in load_organisations(session=db, ids=[i for i, _ in found])
        ]
    # keyword + S3 hit first; the filtered remainder tops the list up
    assert refs == ["fits", "fits-no-keyword"]


def test_select_candidates_is_bounded_by_a_sql_limit(engine: Engine) -> None:
    with session(engine) as db:
        seed = [_org(f"O{i}", country=("SE", "DK", "EE")[i % 3]) for i in range(60)]
        upsert_organisations(session=db, organisations=seed)
    statements: list[str] = []

    def capture(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", capture)
    try:
        with session(engine) as db:
            query = CandidateQuery(
                profile_types=("TO",),
                partnership_types=("research_development_cooperation_agreement",),
                exclude_country="FI",
                s3_fields=("bio",),
                terms=("algae",),
                limit=7,
            )
            found = select_candidates(session=db, query=query)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    # 60 organisations pass the filters; the database hands back only 7 of them
    assert len(found) == 7
    candidate_sql = [s for s in statements if "cheap" in s]
    assert len(candidate_sql) == 1 and "LIMIT" in candidate_sql[0].upper()


def test_import_and_export_round_trip(engine: Engine) -> None:
    assert seed_demo_directory(engine) == (384, 0)
    assert seed_demo_directory(engine) == (0, 384)  # idempotent
    out = io.StringIO()
    with session(engine) as db:
        assert export_csv(session=db, stream=out) == 384
        assert count_organisations(session=db, is_demo=True) == 384
    assert out.getvalue() == DEMO_CSV.read_text(encoding="utf-8")


def test_import_bad_rows_reports_lines_and_writes_nothing(engine: Engine) -> None:
    bad_country = GOOD_ROW.replace("T-1,", "T-2,").replace(",FI,FI1B,", ",XX,,")
    bad_type = GOOD_ROW.replace("T-1,", "T-3,").replace(",sme,", ",shop,")
    wrong_partnership = GOOD_ROW.replace("T-1,", "T-4,").replace(
        "research_development_cooperation_agreement", "supplier_agreement"
    )
    quoted_multiline = GOOD_ROW.replace("T-1,", "T-5,").replace(
        "We grow algae.", '"We grow\nalgae."'
    )
    text = "\n".join(
        [HEADER, GOOD_ROW, bad_country, bad_type, quoted_multiline, wrong_partnership, GOOD_ROW]
    )
    with session(engine) as db, pytest.raises(CsvImportError) as caught:
        import_csv(session=db, stream=io.StringIO(text + "\n"))
    lines = [line for line, _ in caught.value.errors]
    assert lines == [3, 4, 7, 8]
    messages = dict(caught.value.errors)
    assert messages[3].startswith("country:")
    assert messages[4].startswith("org_type:")
    assert messages[7].startswith("partnership_types:")
    assert "already on line 2" in messages[8]
    with session(engine) as db:
        assert db.scalar(select(func.count()).select_from(Organisation)) == 0


def test_import_rejects_a_missing_column(engine: Engine) -> None:
    with session(engine) as db, pytest.raises(CsvImportError, match="lacks column"):
        import_csv(session=db, stream=io.StringIO("ref,name\nx,y\n"))


def test_introduction_request_is_stored_once(engine: Engine) -> None:
    with session(engine) as db:
        upsert_organisations(session=db, organisations=[_org("A")])
        org = get_organisation_by_ref(session=db, ref="A")
        assert org is not None and org.id is not None
        first = create_introduction_request(session=db, sender_id="u1", organisation_id=org.id)
        again = create_introduction_request(session=db, sender_id="u1", organisation_id=org.id)
        assert first.id == again.id and first.consent and first.status == "pending"
        assert len(list_introduction_requests(session=db, sender_id="u1")) == 1
        with pytest.raises(NotFoundError):
            create_introduction_request(session=db, sender_id="u1", organisation_id=10**9)


def test_delete_partner_data_of_sender_erases_requests_and_listing(engine: Engine) -> None:
    with session(engine) as db:
        listing = _org("SME-1", country="FI", is_demo=False, listed_by_sender_id="u9")
        upsert_organisations(session=db, organisations=[_org("A"), listing])
        other = get_organisation_by_ref(session=db, ref="A")
        assert other is not None and other.id is not None
        create_introduction_request(session=db, sender_id="u9", organisation_id=other.id)
        assert delete_partner_data_of_sender(session=db, sender_id="u9") == 2
        assert get_organisation_by_ref(session=db, ref="SME-1") is None
        assert get_organisation_by_ref(session=db, ref="A") is not None
        assert list_introduction_requests(session=db, sender_id="u9") == []


def test_import_command_reports_bad_rows_and_exports(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from actions.matching import commands

    bad = tmp_path / "bad.csv"
    bad.write_text(
        f"{HEADER}\n{GOOD_ROW}\n{GOOD_ROW.replace('T-1,', 'T-2,').replace(',TO,', ',XO,')}\n"
    )
    assert commands.import_file(database_url, bad) == 1
    assert "line 3: profile_type:" in capsys.readouterr().err
    good = tmp_path / "good.csv"
    good.write_text(f"{HEADER}\n{GOOD_ROW}\n")
    assert commands.import_file(database_url, good) == 0
    out = tmp_path / "out.csv"
    assert commands.export_file(database_url, out) == 0
    assert out.read_text() == good.read_text()


def test_introduction_request_carries_the_contact_and_erasure_removes_it(engine: Engine) -> None:
    shared = {"company_name": "Nordic Fermentation Oy", "country": "FI"}
    with session(engine) as db:
        upsert_organisations(session=db, organisations=[_org("A")])
        org = get_organisation_by_ref(session=db, ref="A")
        assert org is not None and org.id is not None
        first = create_introduction_request(
            session=db,
            sender_id="u5",
            organisation_id=org.id,
            contact_name="Aino Virtanen",
            contact_email="aino@nordic-fermentation.fi",
            shared=shared,
        )
        assert (first.contact_name, first.contact_email) == (
            "Aino Virtanen",
            "aino@nordic-fermentation.fi",
        )
        assert first.shared == shared
        # A later consent with another contact replaces it, in the same request.
        again = create_introduction_request(
            session=db,
            sender_id="u5",
            organisation_id=org.id,
            contact_name="Mika Laine",
            contact_email="mika@nordic-fermentation.fi",
        )
        assert again.id == first.id and again.created_at == first.created_at
        assert (again.contact_name, again.shared) == ("Mika Laine", shared)
    with session(engine) as db:
        assert crud.delete_sender_data(session=db, sender_id="u5") == 1
    with session(engine) as db:
        assert list_introduction_requests(session=db, sender_id="u5") == []
        stored = db.scalars(select(IntroductionRequest.contact_email)).all()  # type: ignore[call-overload]
        assert "mika@nordic-fermentation.fi" not in stored
