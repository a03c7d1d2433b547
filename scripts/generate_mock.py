"""Write the mock world's CSV files under datasets/mock/.

Hand-curated facts (drugs, patients, prescriptions, plans, pharmacies, interactions)
are literal tables below; the grid tables (inventory, prices, wait times, fill history,
formulary) are derived from them by fixed formulas. Nothing here is random: a
deterministic hash (zlib.crc32) stands in for "variety", so the output is byte-identical
on every run. Re-run with `python scripts/generate_mock.py` after editing.

Drug facts are real (brand names, classes, DEA schedules, usual maximum daily doses from
the US labels); people, places, prices and stock are fictional.
"""

from __future__ import annotations

import csv
import datetime as dt
import zlib
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "datasets" / "mock"
TODAY = dt.date(2026, 11, 24)


def h(*parts: object) -> int:
    """A stable 32-bit hash of the parts: the generator's only source of variety."""
    return zlib.crc32("|".join(map(str, parts)).encode())


# --------------------------------------------------------------------------------------
# drugs: (drug_id, generic, brands, abbreviations, ingredient, class, schedule,
#         strengths, unit, dose_form, max_daily, generic_available, generic $/unit, brand $/unit)
# max_daily is in `unit` per day (None where the label sets no fixed maximum).
# --------------------------------------------------------------------------------------
DRUGS = [
    ("lisinopril", "lisinopril", "Prinivil;Zestril", "", "lisinopril", "ace_inhibitor", 0, "2.5;5;10;20;40", "mg", "tablet", 80, True, 0.10, 2.90),
    ("atorvastatin", "atorvastatin", "Lipitor", "", "atorvastatin", "statin", 0, "10;20;40;80", "mg", "tablet", 80, True, 0.15, 11.50),
    ("metformin", "metformin", "Glucophage", "", "metformin", "biguanide", 0, "500;850;1000", "mg", "tablet", 2550, True, 0.08, 3.20),
    ("metformin-er", "metformin ER", "Glucophage XR;Glumetza", "metformin XR", "metformin", "biguanide", 0, "500;750", "mg", "extended-release tablet", 2000, True, 0.25, 9.80),
    ("levothyroxine", "levothyroxine", "Synthroid;Levoxyl;Unithroid;Euthyrox", "T4", "levothyroxine", "thyroid_hormone", 0, "25;50;75;88;100;112;125", "mcg", "tablet", 300, True, 0.35, 1.60),
    ("amlodipine", "amlodipine", "Norvasc", "", "amlodipine", "dihydropyridine_ccb", 0, "2.5;5;10", "mg", "tablet", 10, True, 0.08, 4.10),
    ("metoprolol-succinate", "metoprolol succinate", "Toprol XL", "metoprolol ER", "metoprolol", "beta_blocker", 0, "25;50;100;200", "mg", "extended-release tablet", 400, True, 0.45, 3.40),
    ("metoprolol-tartrate", "metoprolol tartrate", "Lopressor", "", "metoprolol", "beta_blocker", 0, "25;50;100", "mg", "tablet", 450, True, 0.20, 3.10),
    ("omeprazole", "omeprazole", "Prilosec", "", "omeprazole", "proton_pump_inhibitor", 0, "10;20;40", "mg", "delayed-release capsule", 40, True, 0.35, 7.90),
    ("simvastatin", "simvastatin", "Zocor", "", "simvastatin", "statin", 0, "10;20;40", "mg", "tablet", 40, True, 0.25, 5.60),
    ("losartan", "losartan", "Cozaar", "", "losartan", "angiotensin_receptor_blocker", 0, "25;50;100", "mg", "tablet", 100, True, 0.35, 4.30),
    ("albuterol", "albuterol", "ProAir HFA;Ventolin HFA;Proventil HFA", "salbutamol", "albuterol", "short_acting_beta_agonist", 0, "90", "mcg/actuation", "inhaler", None, True, 0.12, 0.35),
    ("gabapentin", "gabapentin", "Neurontin", "", "gabapentin", "gabapentinoid", 0, "100;300;400;600;800", "mg", "capsule", 3600, True, 0.25, 5.20),
    ("hydrochlorothiazide", "hydrochlorothiazide", "Microzide", "HCTZ", "hydrochlorothiazide", "thiazide_diuretic", 0, "12.5;25;50", "mg", "tablet", 50, True, 0.15, 1.90),
    ("sertraline", "sertraline", "Zoloft", "", "sertraline", "ssri", 0, "25;50;100", "mg", "tablet", 200, True, 0.30, 9.70),
    ("furosemide", "furosemide", "Lasix", "", "furosemide", "loop_diuretic", 0, "20;40;80", "mg", "tablet", 600, True, 0.15, 1.10),
    ("montelukast", "montelukast", "Singulair", "", "montelukast", "leukotriene_antagonist", 0, "10", "mg", "tablet", 10, True, 0.40, 8.20),
    ("escitalopram", "escitalopram", "Lexapro", "", "escitalopram", "ssri", 0, "5;10;20", "mg", "tablet", 20, True, 0.35, 12.40),
    ("rosuvastatin", "rosuvastatin", "Crestor", "", "rosuvastatin", "statin", 0, "5;10;20;40", "mg", "tablet", 40, True, 0.45, 10.90),
    ("bupropion-xl", "bupropion XL", "Wellbutrin XL", "", "bupropion", "ndri_antidepressant", 0, "150;300", "mg", "extended-release tablet", 450, True, 0.90, 28.00),
    ("pantoprazole", "pantoprazole", "Protonix", "", "pantoprazole", "proton_pump_inhibitor", 0, "20;40", "mg", "delayed-release tablet", 80, True, 0.35, 9.20),
    ("fluticasone-nasal", "fluticasone nasal", "Flonase", "", "fluticasone", "nasal_corticosteroid", 0, "50", "mcg/spray", "nasal spray", None, True, 0.10, 0.25),
    ("tamsulosin", "tamsulosin", "Flomax", "", "tamsulosin", "alpha_blocker", 0, "0.4", "mg", "capsule", 0.8, True, 0.30, 6.50),
    ("trazodone", "trazodone", "Desyrel", "", "trazodone", "sari_antidepressant", 0, "50;100;150", "mg", "tablet", 400, True, 0.20, 3.00),
    ("pravastatin", "pravastatin", "Pravachol", "", "pravastatin", "statin", 0, "10;20;40;80", "mg", "tablet", 80, True, 0.30, 6.10),
    ("carvedilol", "carvedilol", "Coreg", "", "carvedilol", "beta_blocker", 0, "3.125;6.25;12.5;25", "mg", "tablet", 50, True, 0.20, 5.40),
    ("meloxicam", "meloxicam", "Mobic", "", "meloxicam", "nsaid", 0, "7.5;15", "mg", "tablet", 15, True, 0.20, 6.80),
    ("clopidogrel", "clopidogrel", "Plavix", "", "clopidogrel", "p2y12_antiplatelet", 0, "75", "mg", "tablet", 75, True, 0.35, 9.10),
    ("prednisone", "prednisone", "Rayos", "", "prednisone", "corticosteroid", 0, "5;10;20", "mg", "tablet", None, True, 0.15, 4.50),
    ("citalopram", "citalopram", "Celexa", "", "citalopram", "ssri", 0, "10;20;40", "mg", "tablet", 40, True, 0.20, 8.30),
    ("insulin-glargine", "insulin glargine", "Lantus;Basaglar;Toujeo", "", "insulin glargine", "long_acting_insulin", 0, "100", "units/mL", "injection pen", None, False, 0.0, 9.50),
    ("potassium-chloride", "potassium chloride", "Klor-Con", "KCl", "potassium chloride", "potassium_supplement", 0, "10;20", "mEq", "extended-release tablet", 100, True, 0.25, 1.20),
    ("tramadol", "tramadol", "Ultram", "", "tramadol", "opioid", 4, "50", "mg", "tablet", 400, True, 0.25, 3.10),
    ("alprazolam", "alprazolam", "Xanax", "", "alprazolam", "benzodiazepine", 4, "0.25;0.5;1;2", "mg", "tablet", 4, True, 0.20, 6.70),
    ("zolpidem", "zolpidem", "Ambien", "", "zolpidem", "sedative_hypnotic", 4, "5;10", "mg", "tablet", 10, True, 0.30, 14.20),
    ("oxycodone", "oxycodone", "Roxicodone;Oxaydo", "", "oxycodone", "opioid", 2, "5;10;15;30", "mg", "tablet", None, True, 0.60, 4.80),
    ("clonazepam", "clonazepam", "Klonopin", "", "clonazepam", "benzodiazepine", 4, "0.5;1;2", "mg", "tablet", 20, True, 0.20, 5.90),
    ("lorazepam", "lorazepam", "Ativan", "", "lorazepam", "benzodiazepine", 4, "0.5;1;2", "mg", "tablet", 10, True, 0.25, 7.40),
    ("warfarin", "warfarin", "Coumadin;Jantoven", "", "warfarin", "vitamin_k_antagonist", 0, "1;2;2.5;3;4;5;6;7.5;10", "mg", "tablet", None, True, 0.25, 2.40),
    ("apixaban", "apixaban", "Eliquis", "", "apixaban", "factor_xa_inhibitor", 0, "2.5;5", "mg", "tablet", 20, False, 0.0, 9.90),
    ("rivaroxaban", "rivaroxaban", "Xarelto", "", "rivaroxaban", "factor_xa_inhibitor", 0, "10;15;20", "mg", "tablet", 30, False, 0.0, 19.80),
    ("semaglutide", "semaglutide", "Ozempic", "", "semaglutide", "glp1_agonist", 0, "0.25;0.5;1;2", "mg", "injection pen", 2, False, 0.0, 250.00),
    ("empagliflozin", "empagliflozin", "Jardiance", "", "empagliflozin", "sglt2_inhibitor", 0, "10;25", "mg", "tablet", 25, False, 0.0, 21.50),
    ("sitagliptin", "sitagliptin", "Januvia", "", "sitagliptin", "dpp4_inhibitor", 0, "25;50;100", "mg", "tablet", 100, False, 0.0, 18.90),
    ("glipizide", "glipizide", "Glucotrol", "", "glipizide", "sulfonylurea", 0, "5;10", "mg", "tablet", 40, True, 0.15, 2.20),
    ("amoxicillin", "amoxicillin", "Amoxil", "amox", "amoxicillin", "aminopenicillin", 0, "250;500;875", "mg", "capsule", 3000, True, 0.20, 1.40),
    ("azithromycin", "azithromycin", "Zithromax;Z-Pak", "Z-Pak", "azithromycin", "macrolide", 0, "250;500", "mg", "tablet", 500, True, 1.10, 9.80),
    ("cephalexin", "cephalexin", "Keflex", "", "cephalexin", "first_gen_cephalosporin", 0, "250;500", "mg", "capsule", 4000, True, 0.30, 5.50),
    ("ceftriaxone", "ceftriaxone", "Rocephin", "", "ceftriaxone", "third_gen_cephalosporin", 0, "250;500;1000", "mg", "injection vial", 4000, True, 3.00, 15.00),
    ("ciprofloxacin", "ciprofloxacin", "Cipro", "cipro", "ciprofloxacin", "fluoroquinolone", 0, "250;500;750", "mg", "tablet", 1500, True, 0.40, 6.20),
    ("sulfamethoxazole-trimethoprim", "sulfamethoxazole-trimethoprim", "Bactrim DS;Septra DS",
     "SMX-TMP;TMP-SMX", "sulfamethoxazole", "sulfonamide_antibiotic", 0, "800", "mg", "tablet", 1600, True,
     0.35, 3.80),
    ("ibuprofen", "ibuprofen", "Motrin;Advil", "", "ibuprofen", "nsaid", 0, "400;600;800", "mg", "tablet", 3200, True, 0.10, 0.60),
    ("naproxen", "naproxen", "Naprosyn;Aleve;Anaprox", "", "naproxen", "nsaid", 0, "250;375;500", "mg", "tablet", 1500, True, 0.20, 3.90),
    ("clarithromycin", "clarithromycin", "Biaxin", "", "clarithromycin", "macrolide", 0, "250;500", "mg", "tablet", 1000, True, 1.20, 7.50),
    ("fluoxetine", "fluoxetine", "Prozac", "", "fluoxetine", "ssri", 0, "10;20;40", "mg", "capsule", 80, True, 0.20, 14.60),
    ("duloxetine", "duloxetine", "Cymbalta", "", "duloxetine", "snri", 0, "20;30;60", "mg", "delayed-release capsule", 120, True, 0.50, 11.90),
    ("venlafaxine-er", "venlafaxine ER", "Effexor XR", "venlafaxine XR", "venlafaxine", "snri", 0, "37.5;75;150", "mg", "extended-release capsule", 225, True, 0.60, 10.80),
    ("famotidine", "famotidine", "Pepcid", "", "famotidine", "h2_blocker", 0, "20;40", "mg", "tablet", 80, True, 0.20, 3.30),
    ("spironolactone", "spironolactone", "Aldactone", "", "spironolactone", "potassium_sparing_diuretic", 0, "25;50;100", "mg", "tablet", 400, True, 0.25, 3.70),
    ("valsartan", "valsartan", "Diovan", "", "valsartan", "angiotensin_receptor_blocker", 0, "40;80;160;320", "mg", "tablet", 320, True, 0.40, 6.90),
    ("methylphenidate", "methylphenidate", "Ritalin", "", "methylphenidate", "cns_stimulant", 2, "5;10;20", "mg", "tablet", 60, True, 0.50, 4.40),
    ("amphetamine-salts", "amphetamine-dextroamphetamine", "Adderall", "amphetamine salts", "amphetamine", "cns_stimulant", 2, "10;20;30", "mg", "tablet", 40, True, 0.70, 9.10),
    ("cyclobenzaprine", "cyclobenzaprine", "Flexeril;Amrix", "", "cyclobenzaprine", "muscle_relaxant", 0, "5;10", "mg", "tablet", 30, True, 0.15, 3.60),
    ("allopurinol", "allopurinol", "Zyloprim", "", "allopurinol", "xanthine_oxidase_inhibitor", 0, "100;300", "mg", "tablet", 800, True, 0.15, 2.10),
    ("finasteride", "finasteride", "Proscar;Propecia", "", "finasteride", "5_alpha_reductase_inhibitor", 0, "1;5", "mg", "tablet", 5, True, 0.25, 3.20),
    ("donepezil", "donepezil", "Aricept", "", "donepezil", "cholinesterase_inhibitor", 0, "5;10;23", "mg", "tablet", 23, True, 0.25, 12.10),
    ("topiramate", "topiramate", "Topamax", "", "topiramate", "anticonvulsant", 0, "25;50;100", "mg", "tablet", 400, True, 0.25, 9.20),
    ("lamotrigine", "lamotrigine", "Lamictal", "", "lamotrigine", "anticonvulsant", 0, "25;100;200", "mg", "tablet", 500, True, 0.20, 15.30),
    ("quetiapine", "quetiapine", "Seroquel", "", "quetiapine", "atypical_antipsychotic", 0, "25;50;100;200", "mg", "tablet", 800, True, 0.25, 13.80),
    ("aripiprazole", "aripiprazole", "Abilify", "", "aripiprazole", "atypical_antipsychotic", 0, "2;5;10;15", "mg", "tablet", 30, True, 0.40, 36.00),
    ("buspirone", "buspirone", "Buspar", "", "buspirone", "anxiolytic", 0, "5;10;15", "mg", "tablet", 60, True, 0.20, 4.10),
    ("hydroxyzine", "hydroxyzine", "Atarax;Vistaril", "", "hydroxyzine", "antihistamine", 0, "10;25;50", "mg", "tablet", 400, True, 0.15, 2.60),
    ("diltiazem-er", "diltiazem ER", "Cardizem CD", "", "diltiazem", "non_dihydropyridine_ccb", 0, "120;180;240", "mg", "extended-release capsule", 480, True, 0.70, 8.90),
    ("estradiol", "estradiol", "Estrace", "", "estradiol", "estrogen", 0, "0.5;1;2", "mg", "tablet", 2, True, 0.25, 4.90),
    ("testosterone-cypionate", "testosterone cypionate", "Depo-Testosterone", "", "testosterone", "androgen", 3, "200", "mg/mL", "injection vial", None, True, 4.00, 12.00),
    ("pregabalin", "pregabalin", "Lyrica", "", "pregabalin", "gabapentinoid", 5, "25;75;150", "mg", "capsule", 600, True, 0.30, 13.40),
    ("benzonatate", "benzonatate", "Tessalon", "", "benzonatate", "antitussive", 0, "100;200", "mg", "capsule", 600, True, 0.25, 2.80),
    ("ondansetron", "ondansetron", "Zofran", "", "ondansetron", "antiemetic_5ht3", 0, "4;8", "mg", "tablet", 24, True, 0.25, 22.00),
    ("nitrofurantoin", "nitrofurantoin", "Macrobid", "", "nitrofurantoin", "urinary_antibacterial", 0, "100", "mg", "capsule", 200, True, 0.80, 6.30),
]

# Which class groups count as therapeutic duplication, and how serious a duplicate is.
# Same class (two PPIs) is treated as major: one was almost certainly meant to replace
# the other, so a pharmacist should call the prescriber. Cross-class groups are moderate.
DUPLICATE_GROUPS = [
    # (group, member class, severity when two drugs of the group are active)
    ("acid_suppression", "proton_pump_inhibitor", "moderate"),
    ("acid_suppression", "h2_blocker", "moderate"),
    ("serotonergic_antidepressant", "ssri", "moderate"),
    ("serotonergic_antidepressant", "snri", "moderate"),
    ("lipid_lowering_statin", "statin", "moderate"),
    ("nsaid_duplicate", "nsaid", "moderate"),
    ("benzodiazepine_duplicate", "benzodiazepine", "moderate"),
    ("anticoagulant_duplicate", "vitamin_k_antagonist", "major"),
    ("anticoagulant_duplicate", "factor_xa_inhibitor", "major"),
    ("raas_blockade", "ace_inhibitor", "moderate"),
    ("raas_blockade", "angiotensin_receptor_blocker", "moderate"),
]

# Interactions at ingredient or class level. Curated from label warnings; severities follow
# common clinical references (major = avoid / pharmacist must intervene).
INTERACTIONS = [
    # (a, a_level, b, b_level, severity, effect, management)
    ("ace_inhibitor", "class", "nsaid", "class", "moderate",
     "NSAIDs blunt the blood-pressure effect of ACE inhibitors and raise the risk of kidney injury and high potassium.",
     "Monitor blood pressure and kidney function; use the lowest NSAID dose for the shortest time."),
    ("angiotensin_receptor_blocker", "class", "nsaid", "class", "moderate",
     "NSAIDs blunt the blood-pressure effect of ARBs and raise the risk of kidney injury.",
     "Monitor blood pressure and kidney function."),
    ("vitamin_k_antagonist", "class", "nsaid", "class", "major",
     "Warfarin with an NSAID sharply raises the risk of serious bleeding.",
     "Avoid the combination; a pharmacist should contact the prescriber about an alternative such as acetaminophen."),
    ("factor_xa_inhibitor", "class", "nsaid", "class", "major",
     "A factor Xa inhibitor with an NSAID raises the risk of serious bleeding.",
     "Avoid the combination unless the prescriber confirms it."),
    ("vitamin_k_antagonist", "class", "p2y12_antiplatelet", "class", "major",
     "Warfarin with clopidogrel raises the risk of serious bleeding.",
     "Only with the prescriber's explicit plan and close monitoring."),
    ("ssri", "class", "tramadol", "ingredient", "major", "SSRIs with tramadol raise the risk of serotonin syndrome and seizures.", "Avoid or monitor closely; pharmacist review required."),
    ("snri", "class", "tramadol", "ingredient", "major", "SNRIs with tramadol raise the risk of serotonin syndrome and seizures.", "Avoid or monitor closely; pharmacist review required."),
    ("simvastatin", "ingredient", "clarithromycin", "ingredient", "major",
     "Clarithromycin blocks simvastatin's breakdown, raising the risk of muscle injury (rhabdomyolysis).",
     "Contraindicated: hold simvastatin during clarithromycin or use another antibiotic."),
    ("atorvastatin", "ingredient", "clarithromycin", "ingredient", "moderate", "Clarithromycin raises atorvastatin levels.", "Limit atorvastatin to 20 mg daily during treatment."),
    ("opioid", "class", "benzodiazepine", "class", "major",
     "Opioids with benzodiazepines can cause profound sedation, slowed breathing, coma and death (FDA boxed warning).",
     "Avoid unless no alternative; pharmacist and prescriber review required."),
    ("opioid", "class", "sedative_hypnotic", "class", "major",
     "Opioids with sleep medicines can cause dangerous sedation and slowed breathing.",
     "Avoid unless no alternative; pharmacist review required."),
    ("benzodiazepine", "class", "sedative_hypnotic", "class", "moderate", "Two sedatives together add to drowsiness and fall risk.", "Counsel the patient; avoid driving."),
    ("ssri", "class", "nsaid", "class", "moderate", "SSRIs with NSAIDs raise the risk of stomach bleeding.", "Consider a stomach-protecting drug; watch for bleeding."),
    ("ace_inhibitor", "class", "potassium_sparing_diuretic", "class", "moderate", "Together they can raise potassium to dangerous levels.", "Monitor potassium."),
    ("warfarin", "ingredient", "sulfamethoxazole", "ingredient", "major",
     "Sulfamethoxazole-trimethoprim markedly raises the warfarin effect (INR) and bleeding risk.",
     "Avoid, or the prescriber adjusts warfarin with close INR checks."),
    ("warfarin", "ingredient", "ciprofloxacin", "ingredient", "moderate", "Ciprofloxacin can raise the warfarin effect (INR).", "Check INR within a few days of starting."),
    ("levothyroxine", "ingredient", "proton_pump_inhibitor", "class", "minor", "Acid suppression can reduce levothyroxine absorption.", "Take levothyroxine on an empty stomach; monitor TSH."),
    ("clopidogrel", "ingredient", "omeprazole", "ingredient", "moderate",
     "Omeprazole reduces clopidogrel's activation and its protective effect.",
     "Prefer pantoprazole or famotidine if acid suppression is needed."),
    ("tamsulosin", "ingredient", "alpha_blocker", "class", "minor", "Listed for completeness: two alpha blockers add to low blood pressure on standing.", "Counsel about dizziness."),
    ("citalopram", "ingredient", "ondansetron", "ingredient", "moderate", "Both prolong the QT interval.", "Monitor ECG in patients at risk."),
    ("metformin", "ingredient", "topiramate", "ingredient", "minor", "Topiramate can raise metformin levels and the risk of acidosis.", "Monitor."),
]

# Allergy cross-sensitivity. Risk follows the side chain: amino-penicillins share it with
# cephalexin and cefadroxil; ceftriaxone's differs, so its risk is low (DOMAIN.md).
ALLERGY_CROSS = [
    # (allergy_class, drug class or ingredient, level, severity, note)
    ("penicillins", "aminopenicillin", "class", "major", "A penicillin: the same allergy."),
    ("penicillins", "first_gen_cephalosporin", "class", "moderate", "Cephalexin shares a side chain with amoxicillin and ampicillin; cross-reactions are possible."),
    ("penicillins", "third_gen_cephalosporin", "class", "minor", "Ceftriaxone's side chain differs; cross-reaction risk is low."),
    ("sulfonamide_antibiotics", "sulfonamide_antibiotic", "class", "major", "A sulfonamide antibiotic: the same allergy."),
    ("nsaids", "nsaid", "class", "major", "An NSAID: the same allergy class."),
    ("statins", "statin", "class", "moderate", "Statin intolerance often recurs with another statin."),
    ("ace_inhibitors", "ace_inhibitor", "class", "major", "ACE-inhibitor reactions (angioedema) recur across the class."),
    ("macrolides", "macrolide", "class", "major", "A macrolide: the same allergy class."),
    ("fluoroquinolones", "fluoroquinolone", "class", "major", "A fluoroquinolone: the same allergy class."),
    ("codeine", "opioid", "class", "moderate", "Many 'codeine allergies' are intolerance; other opioids may still react."),
]

PRESCRIBERS = [
    ("DR001", "Dr. Helen Brooks", "Riverton Family Medicine", "555-0101", "555-0191"),
    ("DR002", "Dr. Samuel Ortiz", "Riverton Heart Center", "555-0102", "555-0192"),
    ("DR003", "Dr. Priya Natarajan", "Oak Hill Internal Medicine", "555-0103", "555-0193"),
    ("DR004", "Dr. Marcus Lee", "Harbor Psychiatry Associates", "555-0104", "555-0194"),
    ("DR005", "Dr. Ellen Fischer", "Riverside Pain & Spine", "555-0105", "555-0195"),
    ("DR006", "Dr. Omar Haddad", "Westfield Endocrinology", "555-0106", "555-0196"),
]

PLANS = [
    # (plan_id, name, kind, too_soon_threshold, tier copays 30-day 1..5, 90-day factor)
    ("PLN-ACME", "Acme Health PPO", "commercial", 0.75, (5, 15, 45, 80, 150)),
    ("PLN-BLUE", "BlueRiver HMO", "commercial", 0.75, (3, 12, 40, 75, 125)),
    ("PLN-SENR", "Silver Senior Part D", "medicare_part_d", 0.80, (2, 10, 47, 100, 150)),
    ("PLN-UNIT", "Unity Medicaid", "medicaid", 0.75, (1, 1, 4, 4, 4)),
    ("PLN-FLEX", "FlexChoice High-Deductible", "commercial", 0.75, (10, 25, 60, 100, 200)),
]

# Formulary overrides on top of the default rule (generic -> tier 1 or 2, brand-only -> 3).
# (plan, drug, tier or None for non-formulary, prior_auth, step_therapy, quantity_limit_per_30, pa_criteria, turnaround_days)
FORMULARY_OVERRIDES = [
    ("PLN-BLUE", "apixaban", 3, True, "", None, "Documented atrial fibrillation or VTE, with warfarin tried or contraindicated.", 3),
    ("PLN-BLUE", "semaglutide", None, False, "", None, "", None),
    ("PLN-BLUE", "rivaroxaban", 3, True, "", None, "Documented atrial fibrillation or VTE, with warfarin tried or contraindicated.", 3),
    ("PLN-ACME", "semaglutide", 3, True, "metformin", 4, "Type 2 diabetes with HbA1c above goal after 3 months of metformin.", 5),
    ("PLN-SENR", "semaglutide", 3, True, "metformin", 4, "Type 2 diabetes diagnosis on file (not covered for weight loss).", 5),
    ("PLN-FLEX", "semaglutide", None, False, "", None, "", None),
    ("PLN-ACME", "zolpidem", 2, False, "", 30, "", None),
    ("PLN-BLUE", "zolpidem", 2, False, "", 30, "", None),
    ("PLN-ACME", "empagliflozin", 3, False, "metformin", None, "", None),
    ("PLN-BLUE", "sitagliptin", 3, True, "metformin", None, "Type 2 diabetes with metformin tried for 90 days.", 3),
    ("PLN-ACME", "rosuvastatin", 1, False, "", None, "", None),
    ("PLN-BLUE", "rosuvastatin", 1, False, "", None, "", None),
    ("PLN-FLEX", "aripiprazole", 2, True, "", None, "Diagnosis of schizophrenia, bipolar I or adjunct for depression.", 2),
    ("PLN-UNIT", "insulin-glargine", 2, False, "", None, "", None),
]

# Tier-1 generics: the maintenance drugs plans prefer. Other generics default to tier 2.
TIER1 = {
    "lisinopril", "atorvastatin", "metformin", "amlodipine", "hydrochlorothiazide", "levothyroxine",
    "simvastatin", "losartan", "omeprazole", "sertraline", "escitalopram", "metoprolol-succinate",
    "metoprolol-tartrate", "furosemide", "pravastatin", "rosuvastatin", "gabapentin", "tamsulosin",
    "citalopram", "fluoxetine", "glipizide", "warfarin", "amoxicillin", "cephalexin", "famotidine",
    "pantoprazole", "meloxicam", "ibuprofen", "montelukast", "trazodone", "carvedilol",
}

PHARMACIES = [
    # (id, name, chain, address, lat, lon, open, close, is_24h, drive_thru, phone, price multiplier, card multiplier, base wait)
    ("PH001", "CVS Pharmacy - Market St", "CVS", "120 Market St, Riverton", 39.9530, -75.1612, "08:00", "22:00", False, True, "555-1001", 1.25, 0.55, 35),
    ("PH002", "Walgreens - Broad St", "Walgreens", "455 Broad St, Riverton", 39.9561, -75.1638, "08:00", "22:00", False, False, "555-1002", 1.20, 0.60, 30),
    ("PH003", "Main Street Pharmacy", "independent", "18 Main St, Riverton", 39.9478, -75.1702, "09:00", "19:00", False, False, "555-1003", 1.00, 0.80, 15),
    ("PH004", "Costco Pharmacy - Riverton", "Costco", "900 Commerce Way, Riverton", 39.9640, -75.1488, "10:00", "20:30", False, False, "555-1004", 0.55, 0.85, 45),
    ("PH005", "Walmart Pharmacy - Northgate", "Walmart", "2200 Northgate Blvd, Riverton", 39.9912, -75.1290, "09:00", "21:00", False, True, "555-1005", 0.65, 0.80, 40),
    ("PH006", "CVS Pharmacy - Riverside (24h)", "CVS", "3 Riverside Dr, Riverton", 39.9301, -75.1898, "00:00", "23:59", True, True, "555-1006", 1.25, 0.55, 25),
    ("PH007", "Riverside Apothecary", "independent", "77 Water St, Riverton", 39.9352, -75.1455, "09:00", "18:00", False, False, "555-1007", 1.05, 0.75, 10),
    ("PH008", "Walgreens - Oak Hill (24h)", "Walgreens", "1500 Oak Hill Rd, Oak Hill", 39.9748, -75.2004, "00:00", "23:59", True, True, "555-1008", 1.20, 0.60, 20),
    ("PH009", "Harbor Community Pharmacy", "independent", "5 Harbor Ln, Riverton", 39.9205, -75.1398, "08:30", "18:30", False, False, "555-1009", 0.95, 0.80, 15),
    ("PH010", "Kroger Pharmacy - Westfield", "Kroger", "640 Westfield Ave, Westfield", 39.9652, -75.2215, "08:00", "21:00", False, True, "555-1010", 0.85, 0.70, 30),
    ("PH011", "Oak Hill Drug", "independent", "42 Elm St, Oak Hill", 39.9795, -75.1803, "09:00", "19:00", False, False, "555-1011", 1.10, 0.75, 12),
    ("PH012", "Walmart Pharmacy - Southpoint", "Walmart", "800 Southpoint Pkwy, Riverton", 39.9102, -75.1650, "09:00", "21:00", False, True, "555-1012", 0.65, 0.80, 50),
]

# Delivery: (method, fee, same-day cut-off, window). A courier delivers the same day in its window when the
# order is ready by the cut-off, else the next day; mail takes the days given (free). None: no delivery.
DELIVERY = {
    "PH001": ("courier", 4.99, "14:00", "16:00-20:00"),
    "PH002": ("courier", 5.99, "15:00", "17:00-21:00"),
    "PH003": ("courier", 0, "12:00", "15:00-18:00"),
    "PH004": ("mail", 0, "", "3 days"),
    "PH005": ("mail", 0, "", "3 days"),
    "PH006": ("courier", 4.99, "18:00", "19:00-22:00"),
    "PH008": ("courier", 5.99, "15:00", "17:00-21:00"),
    "PH011": ("courier", 0, "12:00", "14:00-17:00"),
    "PH012": ("mail", 0, "", "3 days"),
}

# Patients: (id, first, last, dob, plan or "", member_id, address, lat, lon, phone)
PATIENTS = [
    ("P001", "Maria", "Gonzalez", "1968-04-12", "PLN-ACME", "ACM-551201", "14 Chestnut St, Riverton", 39.9548, -75.1601, "555-2001"),
    ("P002", "James", "Carter", "1957-09-03", "PLN-SENR", "SNR-118430", "230 Pine Ave, Riverton", 39.9489, -75.1750, "555-2002"),
    ("P003", "Linda", "Park", "1979-01-22", "PLN-ACME", "ACM-551877", "9 Birch Ct, Riverton", 39.9402, -75.1560, "555-2003"),
    ("P004", "Robert", "Chen", "1971-06-30", "PLN-BLUE", "BLU-200415", "61 Walnut St, Oak Hill", 39.9720, -75.1850, "555-2004"),
    ("P005", "Aisha", "Mohammed", "1962-11-08", "PLN-SENR", "SNR-118902", "402 Harbor Ln, Riverton", 39.9250, -75.1420, "555-2005"),
    ("P006", "David", "Kim", "1975-03-17", "PLN-BLUE", "BLU-200988", "88 Westfield Ave, Westfield", 39.9630, -75.2150, "555-2006"),
    ("P007", "Susan", "Miller", "1984-07-25", "PLN-ACME", "ACM-552310", "7 Riverside Dr, Riverton", 39.9310, -75.1880, "555-2007"),
    ("P008", "Thomas", "Wright", "1950-12-02", "PLN-SENR", "SNR-119044", "315 Oak Hill Rd, Oak Hill", 39.9760, -75.1950, "555-2008"),
    ("P009", "Grace", "Okafor", "1990-02-14", "PLN-UNIT", "UNI-770012", "12 Maple Ave, Riverton", 39.9580, -75.1520, "555-2009"),
    ("P010", "Henry", "Novak", "1948-05-19", "PLN-SENR", "SNR-119210", "5 Spruce Ln, Riverton", 39.9450, -75.1480, "555-2010"),
    ("P011", "Fatima", "Rahman", "1986-10-01", "PLN-BLUE", "BLU-201133", "19 Cedar St, Oak Hill", 39.9810, -75.1760, "555-2011"),
    ("P012", "Carlos", "Reyes", "1969-08-08", "", "", "77 Dock St, Riverton", 39.9220, -75.1500, "555-2012"),
    ("P013", "Emily", "Johansson", "1995-03-30", "PLN-FLEX", "FLX-300221", "240 Northgate Blvd, Riverton", 39.9870, -75.1330, "555-2013"),
    ("P014", "William", "Osei", "1958-01-11", "PLN-ACME", "ACM-552998", "31 Commerce Way, Riverton", 39.9620, -75.1470, "555-2014"),
    ("P015", "Sofia", "Rossi", "1973-12-24", "PLN-BLUE", "BLU-201560", "8 Westfield Ave, Westfield", 39.9660, -75.2190, "555-2015"),
    ("P016", "Daniel", "Abramson", "1966-06-06", "PLN-FLEX", "FLX-300540", "50 Elm St, Oak Hill", 39.9790, -75.1820, "555-2016"),
    ("P017", "Mei", "Tanaka", "1982-09-15", "PLN-ACME", "ACM-553107", "2 Water St, Riverton", 39.9360, -75.1470, "555-2017"),
    ("P018", "Kwame", "Mensah", "1977-04-04", "PLN-UNIT", "UNI-770488", "600 Southpoint Pkwy, Riverton", 39.9120, -75.1640, "555-2018"),
    ("P019", "Olivia", "Brennan", "1999-11-19", "PLN-FLEX", "FLX-300713", "15 Market St, Riverton", 39.9520, -75.1630, "555-2019"),
    ("P020", "Rajesh", "Iyer", "1960-02-28", "PLN-SENR", "SNR-119501", "98 Broad St, Riverton", 39.9570, -75.1660, "555-2020"),
    ("P021", "Nora", "Lindqvist", "1955-07-07", "PLN-SENR", "SNR-119688", "44 Harbor Ln, Riverton", 39.9215, -75.1410, "555-2021"),
    ("P022", "Ahmed", "Hassan", "1988-05-05", "PLN-BLUE", "BLU-201902", "12 Oak Hill Rd, Oak Hill", 39.9740, -75.1990, "555-2022"),
    ("P023", "Beatriz", "Santos", "1970-10-10", "PLN-ACME", "ACM-553550", "70 Main St, Riverton", 39.9470, -75.1710, "555-2023"),
    ("P024", "Peter", "Walsh", "1945-03-03", "PLN-SENR", "SNR-119900", "9 Northgate Blvd, Riverton", 39.9900, -75.1310, "555-2024"),
    ("P025", "Hannah", "Goldberg", "1992-08-18", "", "", "33 Riverside Dr, Riverton", 39.9320, -75.1860, "555-2025"),
    ("P026", "Luis", "Fernandez", "1964-12-12", "PLN-UNIT", "UNI-770900", "101 Westfield Ave, Westfield", 39.9640, -75.2240, "555-2026"),
    # James Carter's mother: not a demo patient one can pick, reached only as his dependant (CAREGIVERS).
    ("P027", "Eleanor", "Carter", "1938-03-09", "PLN-SENR", "SNR-120027", "12 Maple Rd, Riverton", 39.9466, -75.1728, "555-2027"),
]
# Texts to the phone on file are on for everyone enrolled except these (off until they opt in).
SMS_OFF = {"P003"}

# Who may manage whose record: (caregiver, patient, relationship, authorised on).
CAREGIVERS = [
    ("P002", "P027", "mother", "2026-03-02"),
]

ALLERGIES = [
    # (patient, allergen, allergy_class, reaction, severity)
    ("P005", "penicillin", "penicillins", "hives and facial swelling", "severe"),
    ("P003", "sulfa drugs", "sulfonamide_antibiotics", "rash", "moderate"),
    ("P008", "codeine", "codeine", "nausea and vomiting", "mild"),
    ("P010", "aspirin", "nsaids", "wheezing", "severe"),
    ("P011", "amoxicillin", "penicillins", "rash", "moderate"),
    ("P014", "lisinopril", "ace_inhibitors", "angioedema", "severe"),
    ("P017", "clarithromycin", "macrolides", "diarrhea", "mild"),
    ("P020", "atorvastatin", "statins", "muscle pain", "moderate"),
    ("P021", "ciprofloxacin", "fluoroquinolones", "tendon pain", "moderate"),
    ("P023", "penicillin", "penicillins", "anaphylaxis", "severe"),
]

D = dt.date.fromisoformat
# Prescriptions: (rx_id, patient, drug_id, strength, sig, frequency, doses_per_day,
#                 quantity, days_supply, refills_authorized, refills_used, written, last_fill, prescriber, status, daw)
PRESCRIPTIONS = [
    # P001 Maria Gonzalez: every refill allowed.
    ("RX1001", "P001", "lisinopril", "10", "Take 1 tablet by mouth once daily", "once daily", 1, 30, 30, 11, 7, "2026-03-02", "2026-10-26", "DR001", "active", False),
    ("RX1002", "P001", "atorvastatin", "20", "Take 1 tablet by mouth once daily at bedtime", "once daily at bedtime", 1, 30, 30, 11, 8, "2026-02-10", "2026-10-28", "DR001", "active", False),
    ("RX1003", "P001", "metformin", "500", "Take 1 tablet by mouth twice daily with meals", "twice daily", 2, 180, 90, 3, 2, "2026-01-20", "2026-08-30", "DR001", "active", False),
    # P002 James Carter: ambiguity and brand.
    ("RX2001", "P002", "amlodipine", "5", "Take 1 tablet by mouth once daily", "once daily", 1, 30, 30, 11, 5, "2026-05-04", "2026-10-27", "DR002", "active", False),
    ("RX2002", "P002", "hydrochlorothiazide", "25", "Take 1 tablet by mouth once daily in the morning",
     "once daily in the morning", 1, 30, 30, 11, 5, "2026-05-04", "2026-10-25", "DR002", "active", False),
    ("RX2003", "P002", "levothyroxine", "50", "Take 1 tablet by mouth once daily on an empty stomach",
     "once daily before breakfast", 1, 90, 90, 3, 1, "2026-04-15", "2026-08-20", "DR003", "active", True),
    # P003 Linda Park: the rules say no.
    ("RX3001", "P003", "sertraline", "50", "Take 1 tablet by mouth once daily", "once daily", 1, 30, 30, 5, 2, "2026-07-10", "2026-11-14", "DR004", "active", False),
    ("RX3002", "P003", "simvastatin", "40", "Take 1 tablet by mouth once daily in the evening", "once daily in the evening", 1, 30, 30, 5, 5, "2026-04-01", "2026-10-20", "DR001", "active", False),
    ("RX3003", "P003", "omeprazole", "20", "Take 1 capsule by mouth once daily before breakfast",
     "once daily before breakfast", 1, 30, 30, 11, 9, "2025-09-15", "2026-08-10", "DR001", "active", False),
    # P004 Robert Chen: controlled substances.
    ("RX4001", "P004", "oxycodone", "5", "Take 1 tablet by mouth every 6 hours as needed for pain", "every 6 hours as needed", 4, 20, 5, 0, 0, "2026-11-10", "2026-11-10", "DR005", "active", False),
    ("RX4002", "P004", "alprazolam", "0.5", "Take 1 tablet by mouth twice daily as needed for anxiety",
     "twice daily as needed", 2, 60, 30, 5, 3, "2026-04-01", "2026-09-28", "DR004", "active", False),
    ("RX4003", "P004", "zolpidem", "10", "Take 1 tablet by mouth at bedtime as needed for sleep",
     "once daily at bedtime as needed", 1, 30, 30, 5, 1, "2026-09-01", "2026-10-24", "DR004", "active",
     False),
    # P005 Aisha Mohammed: allergy and interactions.
    ("RX5001", "P005", "amoxicillin", "500", "Take 1 capsule by mouth three times daily for 10 days", "three times daily", 3, 30, 10, 1, 0, "2026-10-30", "2026-11-01", "DR001", "active", False),
    ("RX5002", "P005", "warfarin", "5", "Take 1 tablet by mouth once daily in the evening", "once daily in the evening", 1, 30, 30, 11, 6, "2026-03-15", "2026-10-24", "DR002", "active", False),
    ("RX5003", "P005", "ibuprofen", "800", "Take 1 tablet by mouth three times daily as needed for pain",
     "three times daily as needed", 3, 90, 30, 2, 0, "2026-10-15", "2026-10-16", "DR005", "active", False),
    ("RX5004", "P005", "lisinopril", "20", "Take 1 tablet by mouth once daily", "once daily", 1, 30, 30, 11, 4, "2026-05-20", "2026-10-25", "DR002", "active", False),
    ("RX5005", "P005", "meloxicam", "15", "Take 1 tablet by mouth once daily with food", "once daily", 1, 30, 30, 5, 2, "2026-06-30", "2026-10-22", "DR005", "active", False),
    # P006 David Kim: insurance.
    ("RX6001", "P006", "apixaban", "5", "Take 1 tablet by mouth twice daily", "twice daily", 2, 60, 30, 11, 0, "2026-10-01", "2026-10-26", "DR002", "active", False),
    ("RX6002", "P006", "semaglutide", "0.5", "Inject 0.5 mg under the skin once weekly", "once weekly", 0.142857, 1, 28, 5, 1, "2026-08-01", "2026-10-25", "DR006", "active", False),
    ("RX6003", "P006", "rosuvastatin", "10", "Take 1 tablet by mouth once daily", "once daily", 1, 30, 30, 11, 3, "2026-06-12", "2026-10-24", "DR003", "active", False),
    # P007 Susan Miller: duplicate therapy and stock.
    ("RX7001", "P007", "omeprazole", "20", "Take 1 capsule by mouth once daily before breakfast",
     "once daily before breakfast", 1, 30, 30, 5, 3, "2026-05-01", "2026-10-24", "DR001", "active", False),
    ("RX7002", "P007", "pantoprazole", "40", "Take 1 tablet by mouth once daily before breakfast",
     "once daily before breakfast", 1, 30, 30, 5, 1, "2026-09-10", "2026-10-25", "DR003", "active", False),
    ("RX7003", "P007", "escitalopram", "10", "Take 1 tablet by mouth once daily", "once daily", 1, 30, 30, 11, 4, "2026-04-20", "2026-10-26", "DR004", "active", False),
    # P008 Thomas Wright: dose and several meds.
    ("RX8001", "P008", "levothyroxine", "75", "Take 1 tablet by mouth once daily on an empty stomach",
     "once daily before breakfast", 1, 30, 30, 11, 5, "2026-04-02", "2026-10-25", "DR003", "active", False),
    ("RX8002", "P008", "gabapentin", "300", "Take 1 capsule by mouth three times daily", "three times daily", 3, 90, 30, 5, 2, "2026-06-15", "2026-10-26", "DR005", "active", False),
    ("RX8003", "P008", "tamsulosin", "0.4", "Take 1 capsule by mouth once daily 30 minutes after the same meal", "once daily", 1, 30, 30, 11, 6, "2026-02-01", "2026-10-27", "DR003", "active", False),
    # The rest of the world: variety for datasets and notebooks.
    ("RX9001", "P009", "albuterol", "90", "Inhale 2 puffs every 4 to 6 hours as needed for wheezing",
     "every 4 to 6 hours as needed", 4, 1, 25, 3, 1, "2026-06-01", "2026-10-20", "DR001", "active", False),
    ("RX9002", "P009", "montelukast", "10", "Take 1 tablet by mouth once daily in the evening", "once daily in the evening", 1, 30, 30, 11, 4, "2026-06-01", "2026-10-26", "DR001", "active", False),
    ("RX9003", "P009", "fluticasone-nasal", "50", "Use 2 sprays in each nostril once daily", "once daily", 1, 1, 30, 5, 2, "2026-06-01", "2026-10-22", "DR001", "active", False),
    ("RX1101", "P010", "warfarin", "2.5", "Take 1 tablet by mouth once daily in the evening", "once daily in the evening", 1, 30, 30, 11, 8, "2026-02-01", "2026-10-27", "DR002", "active", False),
    ("RX1102", "P010", "metoprolol-succinate", "50", "Take 1 tablet by mouth once daily", "once daily", 1, 90, 90, 3, 1, "2026-05-01", "2026-08-25", "DR002", "active", False),
    ("RX1103", "P010", "furosemide", "40", "Take 1 tablet by mouth once daily in the morning", "once daily in the morning", 1, 30, 30, 11, 7, "2026-02-01", "2026-10-25", "DR002", "active", False),
    ("RX1104", "P010", "donepezil", "10", "Take 1 tablet by mouth once daily at bedtime", "once daily at bedtime", 1, 30, 30, 11, 3, "2026-07-01", "2026-10-26", "DR003", "active", False),
    ("RX1201", "P011", "fluoxetine", "20", "Take 1 capsule by mouth once daily in the morning", "once daily in the morning", 1, 30, 30, 5, 1, "2026-08-15", "2026-10-25", "DR004", "active", False),
    ("RX1202", "P011", "tramadol", "50", "Take 1 tablet by mouth every 6 hours as needed for pain", "every 6 hours as needed", 4, 30, 7, 2, 0, "2026-11-01", "2026-11-01", "DR005", "active", False),
    ("RX1203", "P011", "cephalexin", "500", "Take 1 capsule by mouth four times daily for 7 days", "four times daily", 4, 28, 7, 0, 0, "2026-11-20", "2026-11-20", "DR001", "active", False),
    ("RX1301", "P012", "atorvastatin", "40", "Take 1 tablet by mouth once daily", "once daily", 1, 30, 30, 11, 6, "2026-03-01", "2026-10-25", "DR001", "active", False),
    ("RX1302", "P012", "metformin-er", "500", "Take 2 tablets by mouth once daily with the evening meal",
     "once daily with the evening meal", 2, 60, 30, 11, 5, "2026-03-01", "2026-10-24", "DR006", "active",
     False),
    ("RX1303", "P012", "glipizide", "5", "Take 1 tablet by mouth once daily before breakfast", "once daily before breakfast", 1, 30, 30, 11, 5, "2026-03-01", "2026-10-26", "DR006", "active", False),
    ("RX1401", "P013", "escitalopram", "20", "Take 1 tablet by mouth once daily", "once daily", 1, 30, 30, 11, 2, "2026-07-01", "2026-10-27", "DR004", "active", False),
    ("RX1402", "P013", "semaglutide", "1", "Inject 1 mg under the skin once weekly", "once weekly", 0.142857, 1, 28, 5, 2, "2026-06-01", "2026-10-27", "DR006", "active", False),
    ("RX1403", "P013", "methylphenidate", "10", "Take 1 tablet by mouth twice daily", "twice daily", 2, 60, 30, 0, 0, "2026-10-28", "2026-10-28", "DR004", "active", False),
    ("RX1501", "P014", "losartan", "50", "Take 1 tablet by mouth once daily", "once daily", 1, 90, 90, 3, 1, "2026-05-15", "2026-08-27", "DR002", "active", False),
    ("RX1502", "P014", "allopurinol", "300", "Take 1 tablet by mouth once daily", "once daily", 1, 30, 30, 11, 5, "2026-04-01", "2026-10-26", "DR001", "active", False),
    # Acme requires metformin first (step therapy) for empagliflozin; P014 has never had metformin.
    ("RX1504", "P014", "empagliflozin", "10", "Take 1 tablet by mouth once daily in the morning", "once daily in the morning", 1, 30, 30, 5, 0, "2026-10-15", "2026-10-20", "DR006", "active", False),
    ("RX1503", "P014", "spironolactone", "25", "Take 1 tablet by mouth once daily", "once daily", 1, 30, 30, 11, 5, "2026-04-01", "2026-10-20", "DR002", "active", False),
    ("RX1601", "P015", "rivaroxaban", "20", "Take 1 tablet by mouth once daily with the evening meal",
     "once daily with the evening meal", 1, 30, 30, 11, 3, "2026-06-01", "2026-10-26", "DR002", "active",
     False),
    ("RX1602", "P015", "naproxen", "500", "Take 1 tablet by mouth twice daily as needed for pain", "twice daily as needed", 2, 60, 30, 2, 0, "2026-11-05", "2026-11-05", "DR005", "active", False),
    ("RX1701", "P016", "bupropion-xl", "300", "Take 1 tablet by mouth once daily in the morning", "once daily in the morning", 1, 30, 30, 5, 4, "2026-06-01", "2026-10-25", "DR004", "active", False),
    ("RX1702", "P016", "aripiprazole", "5", "Take 1 tablet by mouth once daily", "once daily", 1, 30, 30, 5, 2, "2026-08-01", "2026-10-27", "DR004", "active", False),
    # Above cyclobenzaprine's usual maximum of 30 mg/day: the max-dose rule sends it to a pharmacist.
    ("RX1704", "P016", "cyclobenzaprine", "10", "Take 1 tablet by mouth four times daily as needed for spasm",
     "four times daily as needed", 4, 40, 10, 2, 0, "2026-11-03", "2026-11-04", "DR005", "active", False),
    ("RX1703", "P016", "trazodone", "100", "Take 1 tablet by mouth at bedtime as needed for sleep",
     "once daily at bedtime as needed", 1, 30, 30, 5, 5, "2026-05-01", "2026-10-28", "DR004", "active",
     False),
    ("RX1801", "P017", "simvastatin", "20", "Take 1 tablet by mouth once daily in the evening", "once daily in the evening", 1, 30, 30, 11, 4, "2026-05-01", "2026-10-26", "DR001", "active", False),
    ("RX1802", "P017", "clarithromycin", "500", "Take 1 tablet by mouth twice daily for 10 days", "twice daily", 2, 20, 10, 0, 0, "2026-11-21", "2026-11-21", "DR001", "active", False),
    ("RX1803", "P017", "estradiol", "1", "Take 1 tablet by mouth once daily", "once daily", 1, 30, 30, 11, 6, "2026-03-01", "2026-10-26", "DR003", "active", False),
    ("RX1901", "P018", "insulin-glargine", "100", "Inject 20 units under the skin once daily at bedtime",
     "once daily at bedtime", 1, 5, 30, 11, 3, "2026-06-01", "2026-10-25", "DR006", "active", False),
    ("RX1902", "P018", "metformin", "1000", "Take 1 tablet by mouth twice daily with meals", "twice daily", 2, 60, 30, 11, 4, "2026-06-01", "2026-10-26", "DR006", "active", False),
    ("RX1903", "P018", "lisinopril", "40", "Take 1 tablet by mouth once daily", "once daily", 1, 30, 30, 11, 2, "2026-06-01", "2026-09-01", "DR001", "discontinued", False),
    ("RX2101", "P019", "sertraline", "100", "Take 1 tablet by mouth once daily", "once daily", 1, 30, 30, 5, 2, "2026-07-01", "2026-10-26", "DR004", "active", False),
    ("RX2102", "P019", "ondansetron", "4", "Take 1 tablet by mouth every 8 hours as needed for nausea",
     "every 8 hours as needed", 3, 12, 4, 1, 0, "2026-10-30", "2026-10-30", "DR001", "active", False),
    ("RX2103", "P019", "testosterone-cypionate", "200", "Inject 1 mL into the muscle every 2 weeks", "every 2 weeks", 0.071428, 1, 28, 5, 5, "2026-06-01", "2026-10-28", "DR006", "active", False),
    ("RX2201", "P020", "rosuvastatin", "20", "Take 1 tablet by mouth once daily", "once daily", 1, 30, 30, 11, 5, "2026-04-01", "2026-10-24", "DR002", "active", False),
    ("RX2202", "P020", "clopidogrel", "75", "Take 1 tablet by mouth once daily", "once daily", 1, 30, 30, 11, 5, "2026-04-01", "2026-10-25", "DR002", "active", False),
    ("RX2203", "P020", "omeprazole", "40", "Take 1 capsule by mouth once daily before breakfast",
     "once daily before breakfast", 1, 30, 30, 11, 5, "2026-04-01", "2026-10-26", "DR001", "active", False),
    ("RX2301", "P021", "alendronate-placeholder", "", "", "", 0, 0, 0, 0, 0, "", "", "", "", False),
    ("RX2401", "P022", "clonazepam", "0.5", "Take 1 tablet by mouth twice daily as needed for anxiety",
     "twice daily as needed", 2, 60, 30, 5, 1, "2026-08-20", "2026-10-25", "DR004", "active", False),
    ("RX2402", "P022", "pregabalin", "75", "Take 1 capsule by mouth twice daily", "twice daily", 2, 60, 30, 5, 2, "2026-07-15", "2026-10-26", "DR005", "active", False),
    ("RX2403", "P022", "cyclobenzaprine", "10",
     "Take 1 tablet by mouth three times daily as needed for spasm", "three times daily as needed", 3, 30,
     10, 1, 0, "2026-11-10", "2026-11-10", "DR005", "on_hold", False),
    ("RX2501", "P023", "valsartan", "160", "Take 1 tablet by mouth once daily", "once daily", 1, 30, 30, 11, 5, "2026-04-10", "2026-10-26", "DR002", "active", False),
    ("RX2502", "P023", "carvedilol", "12.5", "Take 1 tablet by mouth twice daily with food", "twice daily", 2, 60, 30, 11, 5, "2026-04-10", "2026-10-26", "DR002", "active", False),
    ("RX2601", "P024", "diltiazem-er", "240", "Take 1 capsule by mouth once daily", "once daily", 1, 30, 30, 11, 7, "2026-02-01", "2026-10-27", "DR002", "active", False),
    ("RX2602", "P024", "finasteride", "5", "Take 1 tablet by mouth once daily", "once daily", 1, 90, 90, 3, 2, "2026-02-01", "2026-08-26", "DR003", "active", False),
    ("RX2603", "P024", "potassium-chloride", "20", "Take 1 tablet by mouth once daily with food", "once daily", 1, 30, 30, 11, 7, "2026-02-01", "2026-10-25", "DR002", "active", False),
    ("RX2701", "P025", "lamotrigine", "100", "Take 1 tablet by mouth twice daily", "twice daily", 2, 60, 30, 11, 3, "2026-07-01", "2026-10-25", "DR004", "active", False),
    ("RX2702", "P025", "buspirone", "10", "Take 1 tablet by mouth twice daily", "twice daily", 2, 60, 30, 11, 3, "2026-07-01", "2026-10-26", "DR004", "active", False),
    ("RX2801", "P026", "amlodipine", "10", "Take 1 tablet by mouth once daily", "once daily", 1, 30, 30, 11, 4, "2026-06-01", "2026-10-25", "DR002", "active", False),
    ("RX2802", "P026", "topiramate", "50", "Take 1 tablet by mouth twice daily", "twice daily", 2, 60, 30, 5, 2, "2026-07-01", "2026-10-27", "DR001", "active", False),
    ("RX2803", "P026", "hydroxyzine", "25", "Take 1 tablet by mouth every 6 hours as needed for itching",
     "every 6 hours as needed", 4, 40, 10, 2, 0, "2026-11-01", "2026-11-02", "DR001", "active", False),
]
# P021 Nora Lindqvist takes no refillable medicine here; the placeholder line above keeps
# her in the prescriptions list's order but is dropped before writing.
PRESCRIPTIONS = [p for p in PRESCRIPTIONS if p[2] != "alendronate-placeholder"]
PRESCRIPTIONS.append(
    ("RX2301", "P021", "citalopram", "20", "Take 1 tablet by mouth once daily", "once daily", 1, 30, 30, 5, 1, "2026-09-01", "2026-10-26", "DR004", "active", False),
)
# P027 Eleanor Carter (James Carter's mother): her blood pressure pill is due; donepezil is too soon until Dec 6.
PRESCRIPTIONS += [
    ("RX27001", "P027", "losartan", "50", "Take 1 tablet by mouth once daily", "once daily", 1, 30, 30, 11, 3, "2026-06-15", "2026-10-24", "DR002", "active", False),
    ("RX27002", "P027", "donepezil", "5", "Take 1 tablet by mouth once daily at bedtime", "once daily at bedtime", 1, 90, 90, 3, 1, "2026-06-20", "2026-09-25", "DR003", "active", False),
]

# Inventory facts the demo scenarios rely on (on_hand = 0 means out of stock).
OUT_OF_STOCK = {
    ("PH006", "escitalopram-10-mg"),  # P007's nearest pharmacy
    ("PH003", "apixaban-5-mg"),
    ("PH007", "semaglutide-1-mg"),
    ("PH010", "rosuvastatin-10-mg"),
    ("PH002", "metformin-500-mg"),
    ("PH001", "levothyroxine-75-mcg"),
}

# Historical orders so that tracking works from the first turn.
ORDERS = [
    # (order_id, patient, rx, pharmacy, status, created, ready, price, price_type)
    ("ORD-20001", "P001", "RX1001", "PH001", "picked_up", "2026-10-26 09:12", "2026-10-26 09:47", 5.00, "copay"),
    ("ORD-20002", "P001", "RX1002", "PH004", "picked_up", "2026-10-28 11:05", "2026-10-28 11:50", 3.00, "discount_card"),
    ("ORD-20003", "P002", "RX2003", "PH003", "picked_up", "2026-08-20 15:30", "2026-08-20 15:45", 6.00, "copay"),
    ("ORD-20004", "P008", "RX8003", "PH008", "picked_up", "2026-10-27 08:40", "2026-10-27 09:00", 2.00, "copay"),
    ("ORD-20009", "P009", "RX9002", "PH004", "in_progress", "2026-11-24 08:40", "2026-11-24 09:25", 1.00, "copay"),
    ("ORD-20010", "P009", "RX9003", "PH004", "ready", "2026-11-23 16:10", "2026-11-23 16:55", 1.00, "copay"),
    ("ORD-20005", "P003", "RX3001", "PH003", "picked_up", "2026-11-14 10:00", "2026-11-14 10:15", 5.00, "copay"),
    ("ORD-20006", "P005", "RX5002", "PH009", "picked_up", "2026-10-24 13:20", "2026-10-24 13:35", 2.00, "copay"),
    ("ORD-20007", "P010", "RX1104", "PH007", "received", "2026-11-24 08:05", "2026-11-24 08:15", 2.00, "copay"),
    ("ORD-20008", "P007", "RX7003", "PH001", "cancelled", "2026-10-20 17:00", "2026-10-20 17:35", 5.00, "copay"),
]


def strength_label(value: str, unit: str) -> str:
    return f"{value} {unit}"


def product_id(drug_id: str, value: str, unit: str) -> str:
    return f"{drug_id}-{value}-{unit.split('/')[0]}".lower()


def write(name: str, header: list[str], rows: list[tuple]) -> None:
    path = OUT / f"{name}.csv"
    with path.open("w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for row in rows:
            w.writerow(["" if v is None else (str(v).lower() if isinstance(v, bool) else v) for v in row])


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    drugs, products = [], []
    unit_prices: dict[str, tuple[float, float]] = {}
    for (did, generic, brands, abbrev, ingr, klass, sched, strengths, unit, form, maxd, gen_avail, gcost, bcost) in DRUGS:
        drugs.append((did, generic, brands, abbrev, ingr, klass, sched, form, maxd, unit if maxd is not None else "", gen_avail))
        for i, value in enumerate(strengths.split(";")):
            pid = product_id(did, value, unit)
            factor = 1 + 0.25 * i  # higher strengths cost a little more per unit
            unit_prices[pid] = (round(gcost * factor, 4), round(bcost * factor, 4))
            products.append((pid, did, value, unit, strength_label(value, unit), form))
    write("drugs", ["drug_id", "generic_name", "brand_names", "abbreviations", "ingredient", "drug_class",
                    "dea_schedule", "dose_form", "max_daily_dose", "max_daily_unit", "generic_available"], drugs)
    write("products", ["product_id", "drug_id", "strength_value", "strength_unit", "strength_label", "dose_form"], products)
    write("duplicate_groups", ["group_name", "drug_class", "severity"], DUPLICATE_GROUPS)
    write("interactions", ["a", "a_level", "b", "b_level", "severity", "effect", "management"], INTERACTIONS)
    write("allergy_cross_sensitivity", ["allergy_class", "target", "target_level", "severity", "note"], ALLERGY_CROSS)
    write("prescribers", ["prescriber_id", "name", "practice", "phone", "fax"], PRESCRIBERS)

    write("plans", ["plan_id", "name", "kind", "too_soon_threshold"], [p[:4] for p in PLANS])
    tiers = []
    for pid, _, _, _, copays in PLANS:
        for t, c in enumerate(copays, start=1):
            # A 90-day supply costs 2.5 copays: the usual maintenance-drug discount.
            tiers.append((pid, t, c, c * 2.5))
    write("plan_tiers", ["plan_id", "tier", "copay_30", "copay_90"], tiers)

    overrides = {(o[0], o[1]): o for o in FORMULARY_OVERRIDES}
    formulary = []
    for plan in PLANS:
        for d in DRUGS:
            did, gen_avail = d[0], d[11]
            o = overrides.get((plan[0], did))
            if o is not None:
                if o[2] is None:
                    continue  # non-formulary: no row
                formulary.append((plan[0], did, o[2], o[3], o[4], o[5], o[6], o[7]))
                continue
            tier = (1 if did in TIER1 else 2) if gen_avail else 3
            if d[6] == 2:
                qlimit = None
            elif d[6] in (3, 4):
                qlimit = 60 if did != "zolpidem" else 30
            else:
                qlimit = None
            formulary.append((plan[0], did, tier, False, "", qlimit, "", None))
    write("formulary", ["plan_id", "drug_id", "tier", "prior_auth", "step_therapy", "quantity_limit_30",
                        "pa_criteria", "pa_turnaround_days"], formulary)

    write("pharmacies", ["pharmacy_id", "name", "chain", "address", "lat", "lon", "opens", "closes",
                         "is_24h", "drive_thru", "phone", "delivery", "delivery_fee", "delivery_cutoff",
                         "delivery_window"], [(*p[:11], *DELIVERY.get(p[0], ("", None, "", ""))) for p in PHARMACIES])
    inventory, prices, waits = [], [], []
    for ph in PHARMACIES:
        ph_id, mult, card = ph[0], ph[11], ph[12]
        for pid, *_ in products:
            on_hand = 0 if (ph_id, pid) in OUT_OF_STOCK else 40 + h(ph_id, pid) % 460
            inventory.append((ph_id, pid, on_hand))
            g, b = unit_prices[pid]
            g_cash = round(g * mult, 4) if g else None
            b_cash = round(b * mult, 4)
            # Discount cards negotiate off the pharmacy's own list price; big-box list prices
            # are already low, so their card discount is small (card multiplier near 1).
            g_card = round(g_cash * card, 4) if g_cash else None
            b_card = round(b_cash * min(0.95, card + 0.2), 4)
            prices.append((ph_id, pid, g_cash, b_cash, g_card, b_card))
        for wd in range(7):
            # Weekends and Mondays are busier; variety comes from the stable hash.
            extra = (10 if wd in (0, 5) else 0) + h(ph_id, wd) % 11
            waits.append((ph_id, wd, ph[13] + extra))
    write("inventory", ["pharmacy_id", "product_id", "on_hand"], inventory)
    write("prices", ["pharmacy_id", "product_id", "generic_unit_cash", "brand_unit_cash",
                     "generic_unit_card", "brand_unit_card"], prices)
    write("wait_times", ["pharmacy_id", "weekday", "minutes"], waits)

    write("patients", ["patient_id", "first_name", "last_name", "date_of_birth", "plan_id", "member_id",
                       "address", "lat", "lon", "phone", "sms_opt_in"], [(*p, p[0] not in SMS_OFF) for p in PATIENTS])
    write("caregivers", ["caregiver_id", "patient_id", "relationship", "authorised_on"], CAREGIVERS)
    write("allergies", ["patient_id", "allergen", "allergy_class", "reaction", "severity"], ALLERGIES)

    drug_unit = {d[0]: d[8] for d in DRUGS}
    rx_rows, fills = [], []
    nearest = {}
    for p in PATIENTS:
        best = min(PHARMACIES, key=lambda ph: (ph[4] - p[7]) ** 2 + (ph[5] - p[8]) ** 2)
        nearest[p[0]] = best[0]
    for (rx, pat, did, strength, sig, freq, dpd, qty, days, auth, used, written, last, prescriber, status, daw) in PRESCRIPTIONS:
        pid = product_id(did, strength, drug_unit[did])
        rx_rows.append((rx, pat, did, pid, sig, freq, dpd, qty, days, auth, used, written, last, prescriber, status, daw))
        # Fill history: the original fill plus `used` refills, the last one on `last`,
        # each earlier one a days-supply (plus 0-3 late days) before the next.
        d = D(last)
        history = [d]
        for k in range(used):
            d = d - dt.timedelta(days=days + h(rx, k) % 4)
            if d < D(written):
                break
            history.append(d)
        for fd in sorted(history):
            fills.append((rx, fd.isoformat(), qty, days, nearest[pat]))
    write("prescriptions", ["rx_id", "patient_id", "drug_id", "product_id", "sig", "frequency", "doses_per_day",
                            "quantity", "days_supply", "refills_authorized", "refills_used", "date_written",
                            "last_fill_date", "prescriber_id", "status", "dispense_as_written"], rx_rows)
    write("fills", ["rx_id", "fill_date", "quantity", "days_supply", "pharmacy_id"], fills)

    rx_by_id = {r[0]: r for r in rx_rows}
    orders = []
    for (oid, pat, rx, ph, status, created, ready, price, ptype) in ORDERS:
        r = rx_by_id[rx]
        orders.append((oid, pat, rx, r[3], ph, r[7], r[8], r[15], price, ptype, status, created, ready, f"seed-{oid}"))
    write("orders", ["order_id", "patient_id", "rx_id", "product_id", "pharmacy_id", "quantity", "days_supply",
                     "dispense_brand", "price", "price_type", "status", "created_at", "ready_at",
                     "idempotency_key"], orders)


if __name__ == "__main__":
    main()
