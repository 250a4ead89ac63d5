import { defineMessages } from '../core/i18n/index.ts';

/** Texts of the board's dashboard. */
export const dashboardMessages = defineMessages({
  de: {
    'dashboard.title': 'Zahlen auf einen Blick',
    'dashboard.intro':
      'Stand {today}, die letzten zwölf Monate. Nur Anzahlen und Summen; jede Grafik steht darunter auch als Tabelle.',
    'dashboard.csv': 'Alle Zahlen als CSV',
    'dashboard.members': 'Mitglieder: Eintritte und Austritte',
    'dashboard.members.desc':
      'Eintritte und Austritte je Monat; die Tabelle nennt zusätzlich die Mitglieder am Monatsende.',
    'dashboard.joins': 'Eintritte',
    'dashboard.exits': 'Austritte',
    'dashboard.total': 'Mitglieder am Monatsende',
    'dashboard.money': 'Beiträge: fällig und gezahlt',
    'dashboard.money.desc': 'Fällige Beiträge und eingegangene Zahlungen je Monat.',
    'dashboard.due': 'fällig',
    'dashboard.paid': 'gezahlt',
    'dashboard.arrears': 'Rückstände nach Alter',
    'dashboard.arrears.desc':
      'Offene Beiträge nach Tagen seit Fälligkeit; Zahlungen tilgen die ältesten Beiträge zuerst.',
    'dashboard.arrears.amount': 'offen',
    'dashboard.arrears.members': 'Mitglieder',
    'dashboard.month': 'Monat',
    'dashboard.age': 'Tage überfällig',
    'dashboard.bucket.0-30': 'bis 30',
    'dashboard.bucket.31-90': '31–90',
    'dashboard.bucket.91-180': '91–180',
    'dashboard.bucket.181-365': '181–365',
    'dashboard.bucket.over365': 'über 365',
  },
  en: {
    'dashboard.title': 'Figures at a glance',
    'dashboard.intro':
      'As of {today}, the last twelve months. Counts and sums only; every chart is also shown as a table below it.',
    'dashboard.csv': 'All figures as CSV',
    'dashboard.members': 'Members: joins and exits',
    'dashboard.members.desc':
      'Joins and exits per month; the table also gives the members at the end of each month.',
    'dashboard.joins': 'joins',
    'dashboard.exits': 'exits',
    'dashboard.total': 'members at month end',
    'dashboard.money': 'Contributions: due and paid',
    'dashboard.money.desc': 'Contributions that fell due and payments received per month.',
    'dashboard.due': 'due',
    'dashboard.paid': 'paid',
    'dashboard.arrears': 'Arrears by age',
    'dashboard.arrears.desc':
      'Unpaid contributions by days since they fell due; payments settle the oldest contributions first.',
    'dashboard.arrears.amount': 'unpaid',
    'dashboard.arrears.members': 'members',
    'dashboard.month': 'Month',
    'dashboard.age': 'Days overdue',
    'dashboard.bucket.0-30': 'up to 30',
    'dashboard.bucket.31-90': '31–90',
    'dashboard.bucket.91-180': '91–180',
    'dashboard.bucket.181-365': '181–365',
    'dashboard.bucket.over365': 'over 365',
  },
});
