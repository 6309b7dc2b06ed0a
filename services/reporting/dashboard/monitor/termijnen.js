// Termijnen van een zaak: every legal term of one zaak of the team lead's wijken, with why its
// due date is what it is (the steps of GET /api/v1/zaken/{zaak_id}/termijnen: the term, each
// opschorting and verdaging, the Atw shift, the event that ended it), in Dutch.
import { $, ApiFout, WETTEN, alinea, el, fout, sleutelFormulier, vraag } from "./monitor.js";
import { datum, klok, teamleider } from "./teamleider-toegang.js";

const API_ZAAK = { termijnen: "/api/v1/zaken/{zaak_id}/termijnen" };
const STATUS = {
  lopend: "loopt nog",
  opgeschort: "opgeschort (de klok staat stil)",
  "over-termijn": "over de termijn",
  tijdig: "op tijd afgerond",
  "te-laat": "te laat afgerond",
};

function rij(term, waarde) {
  return [el("dt", { class: "utrecht-data-list__item-key" }, term),
    el("dd", { class: "utrecht-data-list__item-value" }, waarde)];
}

function termijn(t) {
  const gegevens = [
    ...rij("Stand", STATUS[t.status] || t.status),
    ...rij("Begonnen op", datum(t.start)),
    ...rij("Termijn loopt af op", datum(t.due)),
  ];
  if (t.days_over) gegevens.push(...rij("Dagen over de termijn", String(t.days_over)));
  if (t.end) gegevens.push(...rij("Geëindigd op", `${datum(t.end)} (${t.ended_by})`));
  gegevens.push(...rij("Bron", t.bron));
  const stappen = el("ol", { class: "utrecht-ordered-list" },
    ...t.steps.map((s) => el("li", { class: "utrecht-ordered-list__item" }, s.reason)));
  const kop = `termijn-${t.clock}`;
  return el("section", { class: "kaart", "aria-labelledby": kop },
    el("h2", { id: kop, class: "utrecht-heading-2" }, klok(t.clock)),
    el("dl", { class: "utrecht-data-list" }, ...gegevens),
    el("h3", { class: "utrecht-heading-3" }, "Waarom de termijn op deze dag afloopt"),
    stappen);
}

async function start() {
  sleutelFormulier(() => location.reload());
  const zaak = new URLSearchParams(location.search).get("zaak");
  if (!zaak) {
    $("uitleg").replaceChildren(alinea("Geen zaak gekozen: open een zaak vanuit de lijst."));
    return;
  }
  $("titel").textContent = `Termijnen van zaak ${zaak}`;
  document.title = `Termijnen van zaak ${zaak} – Wijkpuls monitor sociaal domein Helmond`;
  if (!(await teamleider())) return;
  try {
    const a = await vraag(API_ZAAK.termijnen, { zaak_id: zaak }, {});
    $("uitleg").replaceChildren(
      alinea(`${WETTEN[a.wet] || a.wet}, wijk ${a.wijk}. Stand op ${datum(a.peildatum)}.`),
      ...(a.termijnen.length ? a.termijnen.map(termijn)
        : [alinea("Voor deze zaak loopt nog geen termijn.")]));
  } catch (e) {
    if (e instanceof ApiFout && (e.status === 403 || e.status === 404)) {
      $("uitleg").replaceChildren(el("div", { class: "utrecht-alert utrecht-alert--warning",
        role: "alert" }, alinea(e.status === 404 ? "Deze zaak is niet bekend."
        : "Deze zaak hoort niet bij uw wijken; u ziet alleen de zaken van uw eigen wijken.")));
      return;
    }
    fout($("uitleg"), e);
  }
}

start();
