// Trends: one figure per month over the last 24 months (or per half-year over every year
// held), a line per wet, with the norm; a hidden figure is a gap with its reason, never a zero.
import {
  $, API, KLEUREN, VORMEN, WETTEN, bijgewerkt, blijfBijwerken, chartBeschikbaar, cijfer, el,
  fout, index, laadBasis, lees, melding, naarAdres, normGeldt, normTekst,
  periodeKort, periodeTekst, sleutelFormulier, state, tabel, toon, uitAdres, vraag, vulCijfers,
  vulWijken, wettenIn, wijkTekst, alinea,
  lopend, zetNorm,
} from "./monitor.js";

let grafiek = null;
let vorigeVorm = null;

function teken(c, antwoord, wijk, stap) {
  const cellen = index(antwoord.cells);
  const reeks = antwoord.perioden; // the series endpoint's periodes, oldest first
  const wetten = wettenIn(antwoord.cells);
  const norm = (antwoord.normen || []).find((n) => n.figure === c.veld) || null;
  $("definitie").textContent = c.uitleg;
  zetNorm($("norm"), norm, " De norm is de gestippelde lijn.");
  const gelezen = Object.fromEntries(wetten.map((wet) => [wet,
    reeks.map((p) => lees(cellen.get(`${wet}|${wijk}|${p}`), c.veld, lopend(antwoord, p)))]));
  const titel = `${c.titel}, ${wijkTekst(wijk)}, per ${stap === "maand" ? "maand" : "halfjaar"}` +
    ` (${periodeTekst(reeks[0])} tot en met ${periodeTekst(reeks[reeks.length - 1])})`;
  $("grafiek-titel").textContent = `Verloop: ${c.titel}`;

  // the data table: the text alternative of the chart
  const rijen = reeks.map((p, i) => [periodeTekst(p),
    ...wetten.map((wet) => toon(gelezen[wet][i], c.eenheid))]);
  const normBijschrift = norm ? `; norm ${normTekst(norm)}${norm.valid_from
    ? ` vanaf ${norm.valid_from}` : ""}` : "";
  $("tabel").replaceChildren(wetten.length
    ? tabel(titel + normBijschrift, ["Periode", ...wetten.map((w) => WETTEN[w] || w)],
      rijen, { numeriek: wetten.map((_, i) => i + 1) })
    : alinea("Nog niets geteld voor dit gebied.", "leeg"));

  // the gaps, with their reasons
  const gaten = [];
  for (const wet of wetten) {
    const perReden = new Map();
    gelezen[wet].forEach((g, i) => {
      if (!("waarde" in g)) perReden.set(g.reden, [...(perReden.get(g.reden) || []), reeks[i]]);
    });
    for (const [reden, ps] of perReden) {
      gaten.push(el("li", {}, `${WETTEN[wet] || wet}: ${ps.map(periodeKort).join(", ")} — ${reden}`));
    }
  }
  const verborgen = wetten.flatMap((wet) => gelezen[wet])
    .filter((g) => !("waarde" in g) && g.reden !== "geen zaken in deze periode").length;
  const tip = stap === "maand" && verborgen > reeks.length / 2
    ? alinea("Veel maanden hebben te weinig zaken om te tonen. Per halfjaar zijn er meer " +
      "zaken per cijfer en dus minder onderbrekingen.", "uitleg") : null;
  $("gaten").replaceChildren(...(gaten.length ? [
    el("h3", { class: "utrecht-heading-3" }, "Onderbrekingen in de lijnen"), tip,
    el("ul", { class: "utrecht-unordered-list gaten" }, ...gaten)] : []));

  $("grafiek-uitleg").textContent = `${titel}. Een lijn per wet` +
    `${norm ? ", de norm als gestippelde lijn" : ""}; een onderbreking is een verborgen of ` +
    "ontbrekend cijfer (zie de lijst). Alle cijfers staan ook in de tabel hieronder.";
  $("grafiek").setAttribute("aria-label", `Lijngrafiek: ${titel}. De cijfers staan in de ` +
    "tabel onder de grafiek.");
  if (!chartBeschikbaar()) return;
  const datasets = wetten.map((wet, i) => ({
    label: WETTEN[wet] || wet,
    data: gelezen[wet].map((g) => ("waarde" in g ? g.waarde : null)),
    borderColor: KLEUREN[i % KLEUREN.length],
    backgroundColor: KLEUREN[i % KLEUREN.length],
    pointStyle: VORMEN[i % VORMEN.length],
    pointRadius: 4,
    borderWidth: 2,
    spanGaps: false,
    clip: 8, // a point on 100% is drawn whole, not cut by the top of the chart
  }));
  if (norm) {
    datasets.push({
      label: `Norm (${normTekst(norm)})`,
      data: reeks.map((p) => (normGeldt(norm, p) ? norm.value : null)),
      borderColor: "#1a1a1a", backgroundColor: "#1a1a1a", borderDash: [6, 4],
      pointRadius: 0, borderWidth: 2, spanGaps: false,
    });
  }
  const eenheid = c.eenheid.trim() || "aantal";
  if (grafiek) grafiek.destroy();
  grafiek = new window.Chart($("grafiek"), {
    type: "line",
    data: { labels: reeks.map(periodeKort), datasets },
    options: {
      animation: false, responsive: true, maintainAspectRatio: false,
      scales: { y: { beginAtZero: true, title: { display: true, text: eenheid },
        ...(c.eenheid === "%" ? { max: 100 } : {}) } },
      plugins: { legend: { position: "bottom", labels: { usePointStyle: true } } },
    },
  });
}

async function toonSelectie({ live = false } = {}) {
  const c = cijfer($("cijfer").value);
  const wijk = $("wijk").value || state.gemeente;
  const stap = $("stap").value;
  if (!live) naarAdres({ cijfer: c.id, wijk: wijk === state.gemeente ? "" : wijk, stap });
  try {
    // One call for the whole series: 24 months, or every half-year held (the API's default).
    const antwoord = await vraag(API.reeks, { kpi: c.kpi }, { wijk, stap });
    const vorm = JSON.stringify([c.id, wijk, stap, antwoord]);
    if (live && vorm === vorigeVorm) return bijgewerkt(0);
    vorigeVorm = vorm;
    teken(c, antwoord, wijk, stap);
    bijgewerkt(0);
  } catch (e) {
    fout($("tabel"), e);
  }
}

async function start() {
  try {
    await laadBasis();
  } catch (e) {
    melding(e.message);
  }
  if (!state.vandaag) state.vandaag = new Date().toISOString().slice(0, 10);
  vulCijfers($("cijfer"));
  vulWijken($("wijk"));
  for (const [veld, id] of [["cijfer", "cijfer"], ["wijk", "wijk"], ["stap", "stap"]]) {
    const waarde = uitAdres(veld);
    if (waarde) $(id).value = waarde;
  }
  $("selectie").addEventListener("submit", (e) => {
    e.preventDefault();
    toonSelectie();
  });
  sleutelFormulier(async () => {
    await laadBasis();
    toonSelectie();
  });
  await toonSelectie();
  blijfBijwerken(() => toonSelectie({ live: true }));
}

start();
