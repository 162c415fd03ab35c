"""Reports with a previous year: the columns on last year and the gone areas appear only then; without
one, a report is what it was (the same bytes as for the rules without [transition])."""

from __future__ import annotations

import json

from test_transition import population, previous, rules

from budgetcalc import allocate
from budgetcalc.report.csv_report import render_csv
from budgetcalc.report.json_report import allocation_document
from budgetcalc.report.readback import meant_report, read_back
from budgetcalc.report.xlsx_report import render_xlsx

PEOPLE = population(A=1000, B=500, N=10)
TRANSITION = "max_increase_percent = 10\nmax_decrease = 100\n"


def test_the_csv_gains_last_years_columns_and_the_gone_areas_only_with_a_previous_year() -> None:
    allocation = allocate(PEOPLE, rules(TRANSITION), previous=previous(A=800, B=700, G=300))
    assert render_csv(allocation).decode().splitlines() == [
        "code,name,kind,inhabitants,basis,transition,total,status,previous,change,transition_rule,"
        "carried_over,available,carried_years",
        "A,Dorp A,,1000,1000.00,-120.00,880.00,,800.00,80.00,max_increase_percent,0.00,880.00,0",
        "B,Dorp B,,500,500.00,100.00,600.00,,700.00,-100.00,max_decrease,0.00,600.00,0",
        "N,Dorp N,,10,10.00,0.00,10.00,new,,,,0.00,10.00,0",
        "G,,,,,,0.00,gone,300.00,-300.00,,0.00,0.00,0",
    ]
    without = allocate(PEOPLE, rules(TRANSITION))
    assert render_csv(without) == render_csv(allocate(PEOPLE, rules()))
    assert render_csv(without).decode().splitlines()[0] == "code,name,kind,inhabitants,basis,total"


def test_the_json_report_has_last_year_per_area_and_the_totals() -> None:
    allocation = allocate(PEOPLE, rules(TRANSITION), previous=previous(A=800, B=700, G=300))
    document = json.loads(json.dumps(allocation_document(allocation, "en")))
    assert document["areas"][1]["last_year"] == {
        "status": "",
        "previous": "700.00",
        "change": "-100.00",
        "transition_rule": "max_decrease",
        "carried_over": "0.00",
        "available": "600.00",
        "carried_years": 0,
    }
    assert document["gone_areas"] == [
        {"code": "G", "name": "", "status": "gone", "previous": "300.00", "unspent": "0.00"}
    ]
    # last year 800 + 700 + 300; this year 880 + 600 + 10; the rules' amounts were 1510: cost -20
    assert document["last_year_totals"] == {
        "previous": "1800.00",
        "total": "1490.00",
        "change": "-310.00",
        "transition_cost": "-20.00",
        "carried_over": "0.00",
        "returned": "0.00",
    }
    plain = allocation_document(allocate(PEOPLE, rules(TRANSITION)), "en")
    assert "gone_areas" not in plain and "last_year" not in plain["areas"][0]


def test_the_workbook_reads_back_with_a_previous_year() -> None:
    allocation = allocate(PEOPLE, rules(TRANSITION), previous=previous(A=800, B=700, G=300))
    for lang in ("nl", "en"):
        read_back(render_xlsx(allocation, lang), meant_report(allocation, lang, "-"))
