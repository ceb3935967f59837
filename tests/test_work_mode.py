"""Work mode from structured fields and text."""

import pytest

from emr_jobs.pipeline.work_mode import normalize_work_mode


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"workplace_type": "remote"}, "remote"),
        ({"workplace_type": "TELECOMMUTE"}, "remote"),
        ({"workplace_type": "HYBRID"}, "hybrid"),
        ({"workplace_type": "ON_SITE"}, "onsite"),
        ({"workplace_type": "on-site"}, "onsite"),
        ({"workplace_type": "unspecified"}, "unknown"),
        ({"remote": True}, "remote"),
        ({"remote": "True"}, "remote"),
        ({"remote": False, "telework": "No"}, "onsite"),
        ({"remote": "False", "telework": "Yes—ADHOC – as determined by the agency policy"}, "onsite"),
        ({"remote": False, "telework": "Yes - regular and recurring, 2 days per week"}, "hybrid"),
        ({"applicant_location_requirements": [{"@type": "Country", "name": "USA"}]}, "remote"),
        ({"workplace_type": None, "remote": None}, "unknown"),
    ],
)
def test_structured(raw, expected):
    assert normalize_work_mode(raw, "").work_mode == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("This is a remote position. Coders must live in Connecticut.", "remote"),
        ("Remote, must reside in TX, OK or LA.", "remote"),
        ("This is not a remote position.", "onsite"),
        ("No remote work is available for this role.", "onsite"),
        ("The assignment is on site at the client hospital; remote work is not offered.", "onsite"),
        ("This position works on site at the hospital. Telework is not available.", "onsite"),
        # a remote mention held out only as a possibility is not a work mode
        ("This role is on-site. Remote work may be available in the future.", "onsite"),
        ("On-site at main campus; remote work may be considered after one year.", "onsite"),
        ("Remote work may be available.", "unknown"),
        ("Fully remote role, candidates may be considered from any state.", "remote"),
        ("Remote after training.", "hybrid"),
        ("This is a work from home position after 90-day onsite training.", "hybrid"),
        ("After a two-week on-site orientation, you will work remotely.", "hybrid"),
        ("After orientation, specialists work on site Mondays and remotely the rest of the week.", "hybrid"),
        ("Specialists are on site three days a week and work from home two days a week.", "hybrid"),
        ("Work arrangement: hybrid.", "hybrid"),
        ("This is a Hybrid Title 38 position.", "unknown"),
        ("We maintain a hybrid medical record during the transition.", "unknown"),
        ("Employees use remote access tools to reach the EHR.", "unknown"),
        ("This position is on-site at the hospital.", "onsite"),
        ("Must report to the Salem VA Medical Center.", "onsite"),
        ("Telework: occasional ad hoc telework may be approved by the supervisor.", "onsite"),
        ("Remote job: Yes\nTelework eligible: Not applicable", "remote"),
        ("Remote job: No\nTelework eligible: No", "onsite"),
        ("Fully remote; occasional travel to client sites.", "remote"),
        ("Work from home anywhere in the U.S.", "remote"),
        ("Free on-site parking for all staff.", "unknown"),
        ("Full-time, Monday through Friday.", "unknown"),
        ("Remote coders may be required on site 2-4 times a month.", "hybrid"),
        # federal pages laid out as label and value on separate lines
        ("Remote job\nNo\nTelework eligible\nYes—ad hoc, as determined by agency policy", "onsite"),
        ("Remote job\nYes\nTelework eligible\nNot applicable", "remote"),
        ("Remote job\nNo\nTelework eligible\nYes—regular and recurring, 2 days per week", "hybrid"),
        # the label regex reads a dotless i as "i": that label line is joined to its value too
        ("Remote job: No\nTelework el\u0131gible\nYes—regular and recurring, 2 days per week", "hybrid"),
        ("Remote job: No\nTELEWORK ELIGIBLE :\n  Yes—regular and recurring, 2 days per week", "hybrid"),
        # job-board "Work Location" field
        ("Job Type: Full-time\nWork Location: In person", "onsite"),
        ("Work Location: Remote", "remote"),
        ("We hold in-person interviews.", "unknown"),
        ("Remote after successful completion of a 90-day orientation.", "hybrid"),
        # field roles that travel to client facilities
        ("Travel to hospitals and clinics in the region to copy records.", "onsite"),
        # a labelled "no" for remote work is an on-site statement; "N/A" says nothing
        ("Work from home: No", "onsite"),
        ("Telecommuting: not available", "onsite"),
        ("Telecommuting is not available for this role.", "onsite"),
        ("Remote Type N/A", "unknown"),
        ("Remote Work Option: No", "onsite"),
        ("Telework eligibility: none", "onsite"),
        # occasional telework after training is still ad hoc; a partial telecommute is a split
        ("Telework: Occasional telework may be available after training, as approved.", "onsite"),
        ("Telecommuting: Partial", "hybrid"),
        ("This role is in-person at the Health Center 2 office.", "onsite"),
        ("The interview is in person.", "unknown"),
    ],
)
def test_text(text, expected):
    assert normalize_work_mode({}, text).work_mode == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"title": "Release of Information Specialist - Remote"}, "remote"),
        ({"location": "Remote - United States"}, "remote"),
        ({"title": "Medical Coder (Hybrid)"}, "hybrid"),
        ({"title": "Coder", "location": "Hartford, CT"}, "unknown"),
    ],
)
def test_title_and_location(raw, expected):
    assert normalize_work_mode(raw, "").work_mode == expected


def test_evidence_and_decision():
    result = normalize_work_mode({}, "Hybrid: two days a week in the office.")
    assert result.evidence and "ybrid" in result.evidence
    assert result.decisions == ["emr/work_mode/text/hybrid"]


# --- issue 11: home-based work of other people says nothing; home-based with a regular on-site day is hybrid ---
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Many of our coding team members work remotely. This position is on-site in the HIM department.", "onsite"),
        ("Our field clinicians may chart remotely from home.", "unknown"),
        ("Remote opportunities are available in other departments.\nYou must report to the Scanning Center daily.", "onsite"),
        ("Benefits\n- Work-from-home options for eligible teams\n- 401(k)", "unknown"),
        ("About Us\nWe became a remote-first company in 2020.\nResponsibilities\n- Index records", "unknown"),
        ("Some of our employees telecommute. You will work in our Tulsa office.", "onsite"),
        ("Other staff in the revenue cycle are home-based; this role works at the hospital.", "onsite"),
        ("Certain positions throughout the organization are eligible for telework.", "unknown"),
        ("Our home health nurses work remotely across the county. Must report to the clinic.", "onsite"),
        ("Select roles are home-based.", "unknown"),
        # the job's own remote statement still counts
        ("This is a remote position. Other teams also work remotely.", "remote"),
        ("You will work from home; our other coders do too.", "remote"),
    ],
)
def test_remote_work_of_others_does_not_decide(text, expected):
    assert normalize_work_mode({}, text).work_mode == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("This is a home-based position; you will be required to come on-site one day per week.", "hybrid"),
        ("Work from home with on-site attendance every Tuesday.", "hybrid"),
        ("Remote role. Must attend an in-person team meeting at the hospital monthly.", "hybrid"),
        ("Home-based. You will work in the office some days each week.", "hybrid"),
        ("Remote position; report to the clinic twice a month for audits.", "hybrid"),
        ("Telecommuting position with weekly on-site huddles.", "hybrid"),
        ("Work remotely, coming into the office every other week.", "hybrid"),
        ("This remote coder reports to the facility on Mondays.", "hybrid"),
        ("Home based role; monthly in-person department meetings are required.", "hybrid"),
        ("Remote. On-site 2 days a month for training of new staff.", "hybrid"),
        # occasional, optional or as-needed visits leave a remote job remote
        ("Remote position; occasional on-site visits to the hospital as needed.", "remote"),
        ("Fully remote. Optional in-person meetings at the office monthly.", "remote"),
        ("Remote role; you may be asked to come on-site from time to time.", "remote"),
    ],
)
def test_home_based_with_regular_onsite_days_is_hybrid(text, expected):
    assert normalize_work_mode({}, text).work_mode == expected


# Issue 11, precision class: remote or hybrid wording that is a perk, or belongs to other staff or teams,
# never decides this job's mode; a plain statement about this job (or nothing) does. Examples written for
# these tests. (text, expected mode, a piece the evidence must hold; None = no evidence)
@pytest.mark.parametrize(
    ("text", "expected", "evidence"),
    [
        ("Benefits include a remote work stipend for corporate staff. This role is onsite.", "onsite",
         "This role is onsite"),
        ("We provide a home office allowance and remote-work reimbursement to eligible colleagues.\n"
         "Schedule: Monday-Friday.", "unknown", None),
        ("Perks: remote work stipend, gym membership, free parking.\nThe position is based on site in Boise.",
         "onsite", "based on site"),
        ("RHIT and CPC holders in our HIM department enjoy remote work.\nAll work is performed on site.", "onsite",
         "on site"),
        ("Hybrid schedule available for our billing department. This coder position works on site.", "onsite",
         "position works on site"),
        ("Our corporate office offers hybrid schedules to accounting and HR staff.\nThis is an in-person role.",
         "onsite", "in-person role"),
        ("Remote options are available for our coding staff and many of our revenue cycle teams.\n"
         "The registrar reports to the cancer center daily.", "unknown", None),
        ("Field clinicians may chart remotely from patients' homes; this supervisor position is based in our "
         "Billings office and is on site daily.", "onsite", "on site"),
        ("We offer remote work for coding and billing staff.", "unknown", None),
        # still remote / hybrid when the statement is this job's
        ("This is a fully remote role with a home office stipend.", "remote", "remote"),
        ("Work from home! You will receive a remote work stipend.", "remote", "Work from home"),
        ("Hybrid: two days per week in the office, three from home. Remote work stipend included.", "hybrid",
         "Hybrid"),
        ("On-site for the first 90 days, then remote.", "hybrid", "then remote"),
        ("This position may work remotely after successful completion of a 6-month onsite training period.",
         "hybrid", "after successful completion"),
        ("Remote: Yes - fully remote after the first two weeks of onsite orientation", "hybrid", "orientation"),
    ],
)
def test_perks_and_other_teams_do_not_decide_work_mode(text, expected, evidence):
    result = normalize_work_mode({}, text)
    assert result.work_mode == expected
    if evidence is None:
        assert result.evidence is None
    else:
        assert evidence in result.evidence


# home-based with "N on-site day(s) per week/month" is a split between home and site
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Work from home, with one on-site day per week at the clinic.", "hybrid"),
        ("This role is home-based; two office days per week are required.", "hybrid"),
        ("Remote position with a required in-person day each month.", "hybrid"),
        ("Remote after orientation; one in-office day every week.", "hybrid"),
        ("You will work remotely and come in for 2 onsite days a week.", "hybrid"),
        ("Telecommute with three in-person days per week in Tulsa.", "hybrid"),
        ("Home-based coder; 1 on-site day per month for team meetings.", "hybrid"),
        ("Fully remote. Occasional on-site days may be requested.", "remote"),
        ("Work from home. Optional office days each week for those who want them.", "remote"),
        ("This position is remote.", "remote"),
    ],
)
def test_home_based_with_on_site_days_is_hybrid(text, expected):
    assert normalize_work_mode({}, text).work_mode == expected


# remote work of the employer's field staff (the subject of the sentence) does not decide this job's mode;
# telework refused for this job in a boilerplate (EEO) paragraph does, when nothing else says a mode
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Our nurses and therapists visit patients at home and chart remotely.\nFile the visit notes.", "unknown"),
        ("Our field clinicians, aides and social workers document remotely on laptops.", "unknown"),
        ("The home health nurses submit their notes remotely each evening.", "unknown"),
        ("Our physicians can review charts from home.\nThis position is on-site at the clinic.", "onsite"),
        ("Our caregivers work from home offices between visits. You will work remotely too.", "remote"),
        ("Our nurses chart remotely.\nThis is a fully remote role for you.", "remote"),
        ("Duties\n- Scan charts\nEqual Opportunity Employer\nWe are an equal opportunity employer. Telework is not "
         "available for this position.", "onsite"),
        ("Duties\n- Scan charts\nEEO Statement\nThe City is an equal opportunity employer. Remote work is not "
         "offered for this classification.", "onsite"),
        ("Duties\n- Scan charts\nEEO Statement\nWe are an equal opportunity employer. Remote work is not "
         "available for some departments.", "unknown"),
        ("Duties\n- Scan charts; this position is remote.\nEEO\nWe are an equal opportunity employer. Telework is not "
         "available for this position in other agencies.", "remote"),
    ],
)
def test_field_staff_remote_work_and_telework_refused_in_boilerplate(text, expected):
    assert normalize_work_mode({}, text).work_mode == expected


# --- a regular split named by weekdays or by a count of remote days -> hybrid; remote mentions that are not a
# split stay remote (a yearly allowance, an optional visit)
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Work from home most of the week; on site at the clinic Mondays and Wednesdays.", "hybrid"),
        ("Remote role. You will be in our Tulsa office Thursdays for team huddles.", "hybrid"),
        ("Home-based position with an in-person staff meeting at the hospital on the second Monday of every month.",
         "hybrid"),
        ("This coder works remotely and comes to the office the last Friday of each month.", "hybrid"),
        ("Schedule: in the office Monday through Wednesday, with two remote days each week.", "hybrid"),
        ("On site four days; one scheduled WFH day per week.", "hybrid"),
        ("Three telework days a week after the first 90 days.", "hybrid"),
        ("Onsite Tuesday to Friday and one fixed remote day (Monday).", "hybrid"),
        ("Fully remote. Up to two remote days per year may be spent at the annual meeting.", "remote"),
        ("This is a remote position; you may visit the office occasionally on Fridays if you like.", "remote"),
        ("Remote position. Team calls are held on Tuesdays.", "remote"),
        ("Remote - must live in Ohio. Monthly virtual team meetings.", "remote"),
    ],
)
def test_split_by_weekdays_or_remote_day_counts_is_hybrid(text, expected):
    assert normalize_work_mode({}, text).work_mode == expected


# --- remote work refused with a verb of option ("will not have the option to telework") -> onsite
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Telework: Employees in this classification will not have the option to telework.", "onsite"),
        ("We do not offer remote work for this position.", "onsite"),
        ("The duties cannot be performed remotely.", "onsite"),
        ("This job is not eligible to telework.", "onsite"),
        ("You won't be able to work from home in this role.", "onsite"),
        ("The clinic does not allow telecommuting for front-office staff or this position.", "onsite"),
        ("Staff hired into this unit are not permitted to work remotely.", "onsite"),
        ("Coders will not be granted telework during orientation.", "onsite"),
        # not a refusal of remote work: remote is offered
        ("We not only offer remote work but also a home-office stipend.", "remote"),
        ("Fully remote; not available for candidates outside Texas.", "remote"),
    ],
)
def test_remote_work_refused_with_a_verb_of_option_is_onsite(text, expected):
    assert normalize_work_mode({}, text).work_mode == expected


# --- a title or location labelled on-site beats a remote mention of the text that is not a split
@pytest.mark.parametrize(
    ("raw", "text", "expected"),
    [
        ({"title": "ROI Specialist (On-Site)"}, "Our billing teams work remotely; ROI staff are at client hospitals.",
         "onsite"),
        ({"title": "Scanning Clerk - Onsite"}, "Records are reviewed by remote auditors.", "onsite"),
        ({"title": "Coding Specialist", "location": "Onsite - Peoria, IL"}, "Our coders work remotely.", "onsite"),
        ({"title": "HIM Technician (In-Person)"}, "File and scan records.", "onsite"),
        ({"title": "Records Clerk - On Site at Client Facility"}, "Remote managers support each site.", "onsite"),
        ({"title": "Coder (In-Office)"}, "", "onsite"),
        ({"title": "Coder (On-site)"}, "Hybrid: two days a week from home.", "hybrid"),
        ({"title": "Remote Coder (onsite orientation)"}, "Work from home after onboarding.", "hybrid"),
        ({"title": "Coder (On-site or Remote)"}, "Choose your arrangement.", "remote"),
        ({"title": "Onsite Training Coordinator - Remote"}, "Remote role.", "remote"),
    ],
)
def test_title_labelled_onsite_beats_a_remote_mention(raw, text, expected):
    assert normalize_work_mode(raw, text).work_mode == expected
