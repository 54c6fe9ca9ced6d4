// gongshi: column sorting for tables marked gs-sortable (units, a unit's pledges), with tablesort
// served from this site (assets/vendor/tablesort/). Filtering needs no script (gongshi-facets.css).
document.querySelectorAll("table.gs-sortable").forEach(function (table) {
  new Tablesort(table);
});
