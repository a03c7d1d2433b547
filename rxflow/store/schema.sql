-- The mock world. Reference tables are seeded from datasets/mock/*.csv; orders, requests, preferences,
-- outbox, enrolments, reminders, sessions and turns are written at run time. Column names match the CSV headers.

CREATE TABLE IF NOT EXISTS world_meta (key VARCHAR PRIMARY KEY, value VARCHAR);

CREATE TABLE IF NOT EXISTS drugs (
    drug_id VARCHAR PRIMARY KEY, generic_name VARCHAR NOT NULL, brand_names VARCHAR, abbreviations VARCHAR,
    ingredient VARCHAR NOT NULL, drug_class VARCHAR NOT NULL, dea_schedule INTEGER NOT NULL,
    dose_form VARCHAR, max_daily_dose DOUBLE, max_daily_unit VARCHAR, generic_available BOOLEAN NOT NULL);
CREATE TABLE IF NOT EXISTS products (
    product_id VARCHAR PRIMARY KEY, drug_id VARCHAR NOT NULL, strength_value DOUBLE NOT NULL,
    strength_unit VARCHAR NOT NULL, strength_label VARCHAR NOT NULL, dose_form VARCHAR);
CREATE TABLE IF NOT EXISTS duplicate_groups (group_name VARCHAR, drug_class VARCHAR, severity VARCHAR);
CREATE TABLE IF NOT EXISTS interactions (
    a VARCHAR, a_level VARCHAR, b VARCHAR, b_level VARCHAR, severity VARCHAR, effect VARCHAR, management VARCHAR);
CREATE TABLE IF NOT EXISTS allergy_cross_sensitivity (
    allergy_class VARCHAR, target VARCHAR, target_level VARCHAR, severity VARCHAR, note VARCHAR);
CREATE TABLE IF NOT EXISTS prescribers (
    prescriber_id VARCHAR PRIMARY KEY, name VARCHAR, practice VARCHAR, phone VARCHAR, fax VARCHAR);
CREATE TABLE IF NOT EXISTS plans (
    plan_id VARCHAR PRIMARY KEY, name VARCHAR, kind VARCHAR, too_soon_threshold DOUBLE NOT NULL);
CREATE TABLE IF NOT EXISTS plan_tiers (plan_id VARCHAR, tier INTEGER, copay_30 DOUBLE, copay_90 DOUBLE,
    PRIMARY KEY (plan_id, tier));
CREATE TABLE IF NOT EXISTS formulary (
    plan_id VARCHAR, drug_id VARCHAR, tier INTEGER, prior_auth BOOLEAN, step_therapy VARCHAR,
    quantity_limit_30 INTEGER, pa_criteria VARCHAR, pa_turnaround_days INTEGER, PRIMARY KEY (plan_id, drug_id));
CREATE TABLE IF NOT EXISTS pharmacies (
    pharmacy_id VARCHAR PRIMARY KEY, name VARCHAR, chain VARCHAR, address VARCHAR, lat DOUBLE, lon DOUBLE,
    opens VARCHAR, closes VARCHAR, is_24h BOOLEAN, drive_thru BOOLEAN, phone VARCHAR,
    delivery VARCHAR, delivery_fee DOUBLE, delivery_cutoff VARCHAR, delivery_window VARCHAR);
CREATE TABLE IF NOT EXISTS inventory (pharmacy_id VARCHAR, product_id VARCHAR, on_hand INTEGER,
    PRIMARY KEY (pharmacy_id, product_id));
CREATE TABLE IF NOT EXISTS prices (
    pharmacy_id VARCHAR, product_id VARCHAR, generic_unit_cash DOUBLE, brand_unit_cash DOUBLE,
    generic_unit_card DOUBLE, brand_unit_card DOUBLE, PRIMARY KEY (pharmacy_id, product_id));
CREATE TABLE IF NOT EXISTS wait_times (pharmacy_id VARCHAR, weekday INTEGER, minutes INTEGER,
    PRIMARY KEY (pharmacy_id, weekday));
CREATE TABLE IF NOT EXISTS patients (
    patient_id VARCHAR PRIMARY KEY, first_name VARCHAR, last_name VARCHAR, date_of_birth DATE,
    plan_id VARCHAR, member_id VARCHAR, address VARCHAR, lat DOUBLE, lon DOUBLE, phone VARCHAR, sms_opt_in BOOLEAN);
-- Who may manage whose record (a caregiver acting for a patient who authorised it).
CREATE TABLE IF NOT EXISTS caregivers (
    caregiver_id VARCHAR, patient_id VARCHAR, relationship VARCHAR, authorised_on DATE,
    PRIMARY KEY (caregiver_id, patient_id));
CREATE TABLE IF NOT EXISTS allergies (
    patient_id VARCHAR, allergen VARCHAR, allergy_class VARCHAR, reaction VARCHAR, severity VARCHAR);
CREATE TABLE IF NOT EXISTS prescriptions (
    rx_id VARCHAR PRIMARY KEY, patient_id VARCHAR NOT NULL, drug_id VARCHAR NOT NULL, product_id VARCHAR NOT NULL,
    sig VARCHAR, frequency VARCHAR, doses_per_day DOUBLE, quantity INTEGER, days_supply INTEGER,
    refills_authorized INTEGER, refills_used INTEGER, date_written DATE, last_fill_date DATE,
    prescriber_id VARCHAR, status VARCHAR, dispense_as_written BOOLEAN);
CREATE TABLE IF NOT EXISTS fills (
    rx_id VARCHAR, fill_date DATE, quantity INTEGER, days_supply INTEGER, pharmacy_id VARCHAR);

-- Run-time rows. An order belongs to a sandbox: '' is the shared world (the seed, evals, the CLI, shared
-- mode); in demo mode each session writes in a sandbox of its own, so order numbers repeat across sandboxes.
CREATE TABLE IF NOT EXISTS orders (
    sandbox VARCHAR NOT NULL DEFAULT '', order_id VARCHAR NOT NULL, patient_id VARCHAR NOT NULL,
    rx_id VARCHAR NOT NULL, product_id VARCHAR NOT NULL, pharmacy_id VARCHAR NOT NULL, quantity INTEGER NOT NULL,
    days_supply INTEGER NOT NULL, dispense_brand BOOLEAN NOT NULL, price DOUBLE NOT NULL, price_type VARCHAR NOT NULL,
    status VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL, ready_at TIMESTAMP, idempotency_key VARCHAR NOT NULL,
    fulfilment VARCHAR NOT NULL DEFAULT 'pickup', delivery_fee DOUBLE, delivery_address VARCHAR, arrives_from TIMESTAMP,
    arrives_until TIMESTAMP, placed_by VARCHAR,
    PRIMARY KEY (sandbox, order_id), UNIQUE (sandbox, idempotency_key));
-- Requests to a human (renewal, prior authorization, pharmacist call back, transfer in), sandboxed as orders
-- are. A transfer of a drug not on the record has rx_id '' and names its drug_id.
CREATE TABLE IF NOT EXISTS requests (
    sandbox VARCHAR NOT NULL DEFAULT '', request_id VARCHAR NOT NULL, patient_id VARCHAR NOT NULL,
    rx_id VARCHAR NOT NULL, kind VARCHAR NOT NULL, reason VARCHAR NOT NULL, prescriber_id VARCHAR NOT NULL,
    status VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL, updated_at TIMESTAMP NOT NULL,
    idempotency_key VARCHAR NOT NULL, drug_id VARCHAR, from_pharmacy VARCHAR, pharmacy_id VARCHAR,
    placed_by VARCHAR, PRIMARY KEY (sandbox, request_id), UNIQUE (sandbox, idempotency_key));
-- Standing settings, sandboxed as orders are. Texts on or off: one row per choice, the latest (seq) wins over
-- patients.sms_opt_in.
CREATE TABLE IF NOT EXISTS preferences (
    sandbox VARCHAR NOT NULL DEFAULT '', seq BIGINT NOT NULL, patient_id VARCHAR NOT NULL,
    sms_opt_in BOOLEAN NOT NULL, updated_at TIMESTAMP NOT NULL, placed_by VARCHAR, idempotency_key VARCHAR NOT NULL,
    PRIMARY KEY (sandbox, seq), UNIQUE (sandbox, idempotency_key));
-- Texts to the phone on file: sent when the world's clock reaches send_at, unless cancelled before. ref_id:
-- the order, reminder or enrolment it is about; facts: what it says, as data (any language renders it).
CREATE TABLE IF NOT EXISTS outbox (
    sandbox VARCHAR NOT NULL DEFAULT '', message_id VARCHAR NOT NULL, patient_id VARCHAR NOT NULL,
    kind VARCHAR NOT NULL, ref_id VARCHAR NOT NULL, facts JSON NOT NULL, body VARCHAR NOT NULL,
    send_at TIMESTAMP NOT NULL, created_at TIMESTAMP NOT NULL, cancelled BOOLEAN NOT NULL DEFAULT false,
    PRIMARY KEY (sandbox, message_id));
-- Auto-refill: at most one active or paused enrolment per prescription.
CREATE TABLE IF NOT EXISTS enrolments (
    sandbox VARCHAR NOT NULL DEFAULT '', enrolment_id VARCHAR NOT NULL, patient_id VARCHAR NOT NULL,
    rx_id VARCHAR NOT NULL, pharmacy_id VARCHAR NOT NULL, status VARCHAR NOT NULL, next_fill_date DATE NOT NULL,
    created_at TIMESTAMP NOT NULL, updated_at TIMESTAMP NOT NULL, placed_by VARCHAR, idempotency_key VARCHAR NOT NULL,
    PRIMARY KEY (sandbox, enrolment_id), UNIQUE (sandbox, idempotency_key));
-- Refill reminders: a text at send_at on remind_on.
CREATE TABLE IF NOT EXISTS reminders (
    sandbox VARCHAR NOT NULL DEFAULT '', reminder_id VARCHAR NOT NULL, patient_id VARCHAR NOT NULL,
    rx_id VARCHAR NOT NULL, remind_on DATE NOT NULL, send_at TIMESTAMP NOT NULL, status VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL, placed_by VARCHAR, idempotency_key VARCHAR NOT NULL,
    PRIMARY KEY (sandbox, reminder_id), UNIQUE (sandbox, idempotency_key));
-- Each confirmed change of a standing setting (an auto-refill paused, resumed or stopped; a reminder cancelled),
-- by its idempotency key: the same key never changes anything twice.
CREATE TABLE IF NOT EXISTS setting_changes (
    sandbox VARCHAR NOT NULL DEFAULT '', idempotency_key VARCHAR NOT NULL, ref_id VARCHAR NOT NULL,
    action VARCHAR NOT NULL, patient_id VARCHAR NOT NULL, placed_by VARCHAR, created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (sandbox, idempotency_key));
-- resume: the digest of the browser tab's resume token (never the token itself).
CREATE TABLE IF NOT EXISTS sessions (
    session_id VARCHAR PRIMARY KEY, patient_id VARCHAR NOT NULL, sandbox VARCHAR NOT NULL DEFAULT '',
    state VARCHAR NOT NULL, context JSON NOT NULL, created_at TIMESTAMP NOT NULL, updated_at TIMESTAMP NOT NULL,
    turn_count INTEGER NOT NULL DEFAULT 0, resume VARCHAR);
CREATE TABLE IF NOT EXISTS turns (
    session_id VARCHAR NOT NULL, turn_no INTEGER NOT NULL, state_before VARCHAR, state_after VARCHAR,
    record JSON NOT NULL, created_at TIMESTAMP NOT NULL, PRIMARY KEY (session_id, turn_no));
