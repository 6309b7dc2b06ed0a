// The team lead's pages (teamleider.html, termijnen.html): who may use them, and the words
// they share. Only a page session with the role teamleider reads its wijken's zaken
// (docs/signin.md#roles); any other visitor gets a Dutch "meld u aan als teamleider" with the
// sign-in link, never an empty page.
import { $, el } from "./monitor.js";

// The clocks of the domain configuration in words (docs/domain.md#termijnen).
export const KLOKKEN = {
  "wmo-onderzoek": "Wmo: melding tot einde onderzoek",
  "wmo-aanvraag": "Wmo: aanvraag tot beschikking",
  "wmo-besluit": "Wmo: melding tot besluit",
  "jeugdwet-besluit": "Jeugdwet: aanvraag tot beschikking",
  "participatiewet-besluit": "Participatiewet: aanvraag tot besluit",
  "wgs-eerste-gesprek": "Wgs: hulpvraag tot eerste gesprek",
  "wgs-besluit": "Wgs: eerste gesprek tot beschikking",
  "sth-opgepakt": "STH: hulpvraag tot opgepakt",
};

export const klok = (id) => KLOKKEN[id] || id;

export function datum(iso) {
  if (!iso) return "";
  return new Date(`${iso}T00:00:00Z`).toLocaleDateString("nl-NL",
    { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
}

export function zaakLink(zaakId) {
  return el("a", { class: "utrecht-link",
    href: `/monitor/termijnen?zaak=${encodeURIComponent(zaakId)}` }, zaakId);
}

export function opsomming(namen) {
  if (namen.length < 2) return namen.join("");
  return `${namen.slice(0, -1).join(", ")} en ${namen[namen.length - 1]}`;
}

// The session's person when it is a team lead; otherwise the page says how to become one
// and null is returned.
export async function teamleider() {
  let sessie = null;
  try {
    const antwoord = await fetch("/auth/sessie", { headers: { Accept: "application/json" } });
    sessie = await antwoord.json();
  } catch (fout) {
    sessie = null;
  }
  if (sessie && sessie.aangemeld && sessie.rol === "teamleider") return sessie;
  const blok = $("aanmelden-nodig");
  const terug = encodeURIComponent(location.pathname + location.search);
  const kinderen = [el("h2", { class: "utrecht-heading-2" }, "Meld u aan als teamleider")];
  if (!sessie || !sessie.aanmelden_mogelijk) {
    kinderen.push(el("p", { class: "utrecht-paragraph" }, "Deze pagina toont de zaken van de " +
      "wijken van een teamleider. Aanmelden staat op deze server uit; vraag de beheerder om " +
      "aanmelden met het account van de gemeente aan te zetten."));
  } else {
    const wie = sessie.aangemeld
      ? `U bent aangemeld als ${sessie.naam || "medewerker"} met de rol ${sessie.rol}. `
      : "U bent niet aangemeld. ";
    kinderen.push(el("p", { class: "utrecht-paragraph" }, wie + "Deze pagina toont de zaken " +
      "van uw wijken alleen aan een teamleider."),
    el("p", { class: "utrecht-paragraph" }, el("a", { class: "utrecht-link",
      id: "aanmelden-teamleider", href: `/auth/aanmelden?terug=${terug}` },
    "Meld u aan als teamleider"), " met het account van de gemeente."));
  }
  blok.replaceChildren(...kinderen);
  blok.hidden = false;
  return null;
}
