// The delivery upload with progress (a progressive enhancement of the form in team.py: without
// script the form posts to the page and the answer is the report). The file goes to the API
// (same origin, the session cookie, so the CSRF check sees this site's Origin, and the form's
// session token as X-CSRF-Token); the bar follows the upload, then the server validates and
// loads the rows, then the report page opens.
const form = document.querySelector("#levering-form");
const input = document.querySelector("#bestand");
const box = document.querySelector("#voortgang");
const bar = document.querySelector("#voortgang-balk");
const text = document.querySelector("#voortgang-tekst");

if (form && input && box && bar && text) {
  form.addEventListener("submit", (event) => {
    const file = input.files && input.files[0];
    if (!file) return; // the page answers with the error at the field
    event.preventDefault();
    form.querySelector("button[type=submit]").disabled = true;
    box.hidden = false;
    bar.value = 0;
    text.textContent = `Bezig met uploaden van ${file.name}…`;
    const body = new FormData();
    body.append("file", file);
    const request = new XMLHttpRequest();
    request.open("POST", "/api/v1/deliveries");
    request.setRequestHeader("Accept", "application/json");
    const token = form.querySelector("input[name=csrf]");
    if (token) request.setRequestHeader("X-CSRF-Token", token.value);
    request.upload.addEventListener("progress", (progress) => {
      if (progress.lengthComputable) {
        bar.value = Math.round((progress.loaded / progress.total) * 100);
      }
    });
    request.upload.addEventListener("load", () => {
      bar.value = 100;
      text.textContent = "Geüpload; de regels worden gecontroleerd en geladen…";
    });
    request.addEventListener("load", () => {
      let answer = null;
      try {
        answer = JSON.parse(request.responseText);
      } catch {
        answer = null;
      }
      if (answer && answer.delivery_id) {
        window.location.assign(`/vroegsignalering/levering/${encodeURIComponent(answer.delivery_id)}`);
        return;
      }
      form.querySelector("button[type=submit]").disabled = false;
      const reason = answer && answer.detail ? answer.detail : `status ${request.status}`;
      text.textContent = `De levering is niet geladen: ${reason}.`;
    });
    request.addEventListener("error", () => {
      form.querySelector("button[type=submit]").disabled = false;
      text.textContent = "De verbinding viel weg; probeer het opnieuw.";
    });
    request.send(body);
  });
}
