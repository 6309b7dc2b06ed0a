// Wijken naast elkaar: one figure across all wijken (sorted bars and a table), the policy's
// aandachtswijken marked by colour and by ◆, a hidden figure named with its reason.
import {
  $, AANDACHTSWIJKEN, API, WETTEN, aantal, bijgewerkt, blijfBijwerken, chartBeschikbaar,
  cijfer, el, fout, gekozenPeriode, getal, index, laadBasis, lees, melding, naarAdres,
  normGehaald, normGeldt, periodeTekst, periodeVelden, sleutelFormulier, state, tabel, toon,
  uitAdres, vorigHalfjaar, vraag, vulCijfers, zetNorm, lopend,
} from "./monitor.js";

const AANDACHT = "#b45309";
const OVERIG = "#0b5394";
let grafiek = null;
let vorigeVorm = null;

function kiesWet(cells) {
  const select = $("wet");
  const aanwezig = Object.keys(WETTEN).filter((w) => cells.some((c) => c.wet === w));
  const gekozen = select.value;
  select.replaceChildren(...(aanwezig.length ? aanwezig : Object.keys(WETTEN))
    .map((w) => el("option", { value: w }, WETTEN[w])));
  if ([...select.options].some((o) => o.value === gekozen)) select.value = gekozen;
  return select.value;
}

function teken(c, antwoord, wet, periode) {
  const cellen = index(antwoord.cells);
  const norm = (antwoord.normen || []).find((n) => n.figure === c.veld) || null;
  $("definitie").textContent = c.uitleg;
  zetNorm($("norm"), norm, "");
  const weg = lopend(antwoord, periode);
  const gemeente = lees(cellen.get(`${wet}|${state.gemeente}|${periode}`), c.veld, weg);
  const alleen = $("alleen-aandacht").checked;
  const wijken = state.wijken.filter((w) => !alleen || AANDACHTSWIJKEN.includes(w))
    .map((wijk) => {
      const cel = cellen.get(`${wet}|${wijk}|${periode}`);
      return { wijk, cel, gelezen: lees(cel, c.veld, weg), aandacht: AANDACHTSWIJKEN.includes(wijk) };
    });
  const getoond = wijken.filter((r) => "waarde" in r.gelezen)
    .sort((a, b) => b.gelezen.waarde - a.gelezen.waarde || a.wijk.localeCompare(b.wijk));
  const verborgen = wijken.filter((r) => !("waarde" in r.gelezen));
  const titel = `${c.titel} per wijk, ${WETTEN[wet] || wet}, ${periodeTekst(periode)}`;
  $("grafiek-titel").textContent = `Per wijk: ${c.titel}`;

  const rijen = [...getoond, ...verborgen].map((r, i) => {
    const verschil = "waarde" in r.gelezen && "waarde" in gemeente
      ? (r.gelezen.waarde - gemeente.waarde >= 0 ? "+" : "−") +
        getal(Math.abs(Math.round((r.gelezen.waarde - gemeente.waarde) * 10) / 10),
          c.eenheid === "%" ? " procentpunt" : c.eenheid)
      : "—";
    const oordeel = norm && "waarde" in r.gelezen && normGeldt(norm, periode)
      ? (normGehaald(norm, r.gelezen.waarde) ? "✓ gehaald" : "✗ niet gehaald") : "—";
    return [r.aandacht ? `◆ ${r.wijk}` : r.wijk,
      "waarde" in r.gelezen ? String(i + 1) : "—",
      r.aandacht ? "ja" : "nee", toon(r.gelezen, c.eenheid), aantal(r.cel, c.basis, weg),
      verschil, ...(norm ? [oordeel] : [])];
  });
  rijen.push(["Hele gemeente", "", "", toon(gemeente, c.eenheid),
    aantal(cellen.get(`${wet}|${state.gemeente}|${periode}`), c.basis, weg), "",
    ...(norm ? [""] : [])]);
  $("tabel").replaceChildren(tabel(titel, ["Wijk", "Rang", "Aandachtswijk", c.titel,
    c.basis === "households" ? "Huishoudens" : c.basis === "zaken" ? "Signaalzaken" : "Aantal zaken",
    "Verschil met de gemeente", ...(norm ? ["Norm"] : [])], rijen, {
    numeriek: [1, 3, 4, 5],
    rijKlasse: (rij) => (String(rij[0]).startsWith("◆") ? "aandacht"
      : rij[0] === "Hele gemeente" ? "totaal" : ""),
  }));

  const gemeenteTekst = "waarde" in gemeente ? getal(gemeente.waarde, c.eenheid) : gemeente.reden;
  const verborgenTekst = verborgen.length
    ? ` Niet getoond: ${verborgen.map((r) => `${r.wijk} (${r.gelezen.reden})`).join("; ")}.` : "";
  $("grafiek-uitleg").textContent = `${titel}, van hoog naar laag. Aandachtswijken in ` +
    `oranje en met ◆. Hele gemeente: ${gemeenteTekst}.${verborgenTekst} Alle cijfers staan ` +
    "ook in de tabel hieronder.";
  $("grafiek").setAttribute("aria-label", `Staafdiagram: ${titel}. De cijfers staan in de ` +
    "tabel onder de grafiek.");
  $("geen-staven").hidden = getoond.length > 0;
  $("grafiek").closest("figure").hidden = getoond.length === 0;
  if (!chartBeschikbaar()) return;
  if (grafiek) grafiek.destroy();
  grafiek = null;
  if (getoond.length === 0) return;
  $("grafiek").parentElement.style.height = `${Math.max(8, getoond.length * 2.2 + 4)}rem`;
  grafiek = new window.Chart($("grafiek"), {
    type: "bar",
    data: {
      labels: getoond.map((r) => (r.aandacht ? `◆ ${r.wijk}` : r.wijk)),
      datasets: [{
        label: c.titel,
        data: getoond.map((r) => r.gelezen.waarde),
        backgroundColor: getoond.map((r) => (r.aandacht ? AANDACHT : OVERIG)),
        borderColor: "#1a1a1a",
        borderWidth: getoond.map((r) => (r.aandacht ? 2 : 0)),
        maxBarThickness: 28,
      }],
    },
    options: {
      indexAxis: "y", animation: false, responsive: true, maintainAspectRatio: false,
      scales: { x: { beginAtZero: true, title: { display: true, text: c.eenheid.trim() || "aantal" },
        ...(c.eenheid === "%" ? { max: 100 } : {}) } },
      plugins: { legend: { display: false } },
    },
  });
}

async function toonSelectie({ live = false } = {}) {
  const c = cijfer($("cijfer").value);
  const periode = gekozenPeriode();
  try {
    const antwoord = await vraag(API.kpi, { kpi: c.kpi }, { periode });
    const wet = kiesWet(antwoord.cells);
    if (!live) naarAdres({ cijfer: c.id, wet, periode });
    const vorm = JSON.stringify([c.id, wet, periode, $("alleen-aandacht").checked, antwoord]);
    if (live && vorm === vorigeVorm) return bijgewerkt(0);
    vorigeVorm = vorm;
    teken(c, antwoord, wet, periode);
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
  $("cijfer").value = uitAdres("cijfer") || "doorlooptijd";
  const wet = uitAdres("wet");
  if (wet) $("wet").value = wet;
  periodeVelden(uitAdres("periode") || vorigHalfjaar(state.vandaag));
  $("selectie").addEventListener("submit", (e) => {
    e.preventDefault();
    toonSelectie();
  });
  $("alleen-aandacht").addEventListener("change", () => toonSelectie());
  sleutelFormulier(async () => {
    await laadBasis();
    toonSelectie();
  });
  await toonSelectie();
  blijfBijwerken(() => toonSelectie({ live: true }));
}

start();
