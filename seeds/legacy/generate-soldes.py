# Writes beziers-soldes.csv (Windows-1252, ";", CRLF): what 30-odd Béziers families of
# beziers-familles.csv still owed the previous software at the switch, one line per unpaid
# document, with the deliberately broken lines listed in README.md. Deterministic: python3 generate-soldes.py
import os

NBSP = '\u00a0'
header = 'ref_famille;nom_famille;num_facture;date_echeance;libelle;reste_du'
rows = [
    ('F004100', 'Famille Fontaine', 'FAC-2025-00412', '15/07/2025', 'Cantine 2024-2025 reliquat', '48,60'),
    ('F004107', 'Famille Fabre', 'FAC-2026-00087', '15/02/2026', 'Cantine janvier 2026', '62,40'),
    ('F004114', 'Famille Lopez', 'FAC-2026-00311', '15/06/2026', 'Accueil de loisirs printemps 2026', '135,00'),
    # No due date in the old software: dated the day of the import.
    ('F004121', 'Famille Rigaud', 'FAC-2025-01133', '', 'Garderie périscolaire 2025-2026 reliquat', '23,75'),
    ('F004121', 'Famille Rigaud', 'FAC-2026-00402', '15/09/2026', 'Cantine juin 2026', '81,90'),
    # A quoted label holding the separator; thousands separated by a non-breaking space.
    ('F004205', 'Famille Lacroix', 'REL-2024-0057', '31/12/2024', '"Crèche Les Petits Loups; participation 2024"', '1' + NBSP + '234,50'),
    # BAD_NUMBER: a letter O for a zero.
    ('F004212', 'Famille Da Silva', 'FAC-2026-00518', '15/10/2026', 'Cantine septembre 2026', '12,5O'),
    ('F004226', 'Famille Navarro', 'FAC-2026-00520', '15/10/2026', 'Cantine septembre 2026', '74,10'),
    ('F004485', 'Famille Boyer', 'FAC-2026-00533', '15/10/2026', 'Accueil de loisirs été 2026', '212,00'),
    ('F004492', 'Famille Vaissière', 'FAC-2025-00977', '15/11/2025', 'Cantine — reliquat octobre 2025', '9,80'),
    ('F004499', 'Famille Martin', 'FAC-2026-00541', '15/10/2026', 'Cantine septembre 2026', '56,70'),
    ('F004513', 'Famille Boyer', 'FAC-2026-00544', '15/10/2026', 'Garderie septembre 2026', '18,00'),
    # UNKNOWN_FAMILY: a household never exported with the families.
    ('F009990', 'Famille Estève', 'FAC-2026-00549', '15/10/2026', 'Cantine septembre 2026', '42,00'),
    ('F004758', 'Famille Nguyen', 'FAC-2026-00552', '15/10/2026', 'Cantine septembre 2026', '67,20'),
    # BAD_AMOUNT: nothing owed.
    ('F004765', 'Famille Granier', 'FAC-2026-00553', '15/10/2026', 'Cantine septembre 2026', '0,00'),
    ('F004779', 'Famille Bernard', 'FAC-2026-00556', '15/10/2026', 'Cantine septembre 2026', '38,85'),
    # BAD_AMOUNT: a credit note of the old software, not a debt.
    ('F004786', 'Famille Garcia', 'AV-2026-00014', '15/10/2026', 'Avoir cantine septembre 2026', '-15,40'),
    ('F004793', 'Famille Girard', 'FAC-2026-00561', '15/10/2026', 'Cantine septembre 2026', '71,40'),
    ('F004933', 'Famille Calmette', 'FAC-2026-00572', '15/10/2026', 'Accueil de loisirs Toussaint 2026', '96,00'),
    ('F004940', 'Famille Nguyen', 'FAC-2026-00573', '15/11/2026', 'Cantine octobre 2026', '44,10'),
    ('F004947', 'Famille Vidal', 'FAC-2026-00574', '15/11/2026', 'Cantine octobre 2026', '52,50'),
    ('F004954', 'Famille Muller', 'FAC-2026-00575', '15/11/2026', 'Cantine octobre 2026', '29,40'),
    ('F004310', 'Famille Pagès', 'FAC-2026-00576', '15/11/2026', 'Cantine octobre 2026', '63,00'),
    ('F005073', 'Famille Azaïs', 'FAC-2026-00580', '15/11/2026', 'Garderie octobre 2026', '27,00'),
    ('F005087', 'Famille Navarro', 'FAC-2026-00581', '15/11/2026', 'Cantine octobre 2026', '88,20'),
    ('F005423', 'Famille Ferrer', 'FAC-2026-00583', '15/11/2026', 'Cantine octobre 2026', '35,70'),
    ('F005437', 'Famille Fabrègue', 'FAC-2026-00585', '15/11/2026', 'Cantine octobre 2026', '31,50'),
    ('F005724', 'Famille Romero', 'FAC-2026-00588', '15/11/2026', 'Cantine octobre 2026', '58,80'),
    ('F005738', 'Famille Lacroix', 'FAC-2026-00590', '15/11/2026', 'Accueil de loisirs Toussaint 2026', '144,00'),
    ('F006186', 'Famille Maurel', 'FAC-2026-00593', '15/11/2026', 'Cantine octobre 2026', '47,25'),
    ('F006193', 'Famille Fontaine', 'FAC-2026-00594', '', 'Cantine octobre 2026', '60,90'),
    # DUPLICATE_IN_FILE: line 9 exported again.
    ('F004226', 'Famille Navarro', 'FAC-2026-00520', '15/10/2026', 'Cantine septembre 2026', '74,10'),
    ('F004100', 'Famille Fontaine', 'FAC-2026-00596', '15/11/2026', 'Cantine octobre 2026', '51,45'),
    # MISSING_FIELD: no label.
    ('F004107', 'Famille Fabre', 'FAC-2026-00598', '15/11/2026', '', '33,60'),
]
data = '\r\n'.join([header] + [';'.join(row) for row in rows]) + '\r\n'
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'beziers-soldes.csv'), 'wb') as out:
    out.write(data.encode('cp1252'))
print(len(rows), 'lines')
