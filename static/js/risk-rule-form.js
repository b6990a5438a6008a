/* The risk rule form's condition builder: one row per condition, with a field <select>, an
 * operator <select> restricted to the operators the field allows, and a value input that fits
 * the field's kind and the operator. The fields, kinds, operators and choices come from
 * risk.conditions.FIELDS through the form's data-fields attribute. */
(function () {
  "use strict";

  var form = document.getElementById("rule-form");
  if (!form) {
    return;
  }
  var FIELDS = JSON.parse(form.dataset.fields || "{}");
  var OPS = JSON.parse(form.dataset.ops || "{}");
  var ALL_OPS = Object.keys(OPS);
  var LIST_OPS = ["in", "not_in"];
  var rowsBox = form.querySelector("[data-cond-rows]");
  var template = document.getElementById("condition-row-template");
  var nextIndex = parseInt(form.dataset.nextIndex || "1", 10);

  function rows() {
    return Array.prototype.slice.call(rowsBox.querySelectorAll("[data-cond-row]"));
  }

  function isList(op) {
    return LIST_OPS.indexOf(op) !== -1;
  }

  function specOf(row) {
    return FIELDS[row.querySelector("[data-cond-field]").value] || null;
  }

  function opOf(row) {
    return row.querySelector("[data-cond-op]").value;
  }

  /* The same choice as ConditionRow.control on the server. */
  function controlFor(spec, op) {
    if (!spec) {
      return "text";
    }
    if (spec.kind === "bool") {
      return "bool";
    }
    if (spec.kind === "choice") {
      return isList(op) ? "multi" : "choice";
    }
    if (spec.kind === "number" && !isList(op)) {
      return "number";
    }
    return "text";
  }

  function refreshOps(row) {
    var spec = specOf(row);
    var select = row.querySelector("[data-cond-op]");
    var current = select.value;
    var allowed = spec ? spec.ops : ALL_OPS;
    select.innerHTML = "";
    allowed.forEach(function (op) {
      var option = document.createElement("option");
      option.value = op;
      option.textContent = OPS[op] || op;
      select.appendChild(option);
    });
    select.value = allowed.indexOf(current) !== -1 ? current : allowed[0];
  }

  /* What the value input holds now, as a list of strings. Numbers keep their decimal comma
   * (1,5): a list of them is split at ";", a new line or ", " (as ConditionRow.parts on the server). */
  function currentValues(slot) {
    var input = slot.querySelector("[name$='-value']");
    if (!input) {
      return [];
    }
    if (input.multiple) {
      return Array.prototype.filter.call(input.options, function (o) { return o.selected; })
        .map(function (o) { return o.value; });
    }
    var separators = slot.dataset.kind === "number" ? /;|\n|,\s+/ : /[,;\n]/;
    return input.value.split(separators).map(function (v) { return v.trim(); }).filter(Boolean);
  }

  function option(value, label, selected) {
    var element = document.createElement("option");
    element.value = value;
    element.textContent = label;
    element.selected = !!selected;
    return element;
  }

  function buildValue(row) {
    var spec = specOf(row);
    var op = opOf(row);
    var slot = row.querySelector("[data-cond-value]");
    var control = controlFor(spec, op);
    var old = slot.querySelector("[name$='-value']");
    var kindChanged = slot.dataset.kind !== (spec ? spec.kind : "");
    slot.dataset.kind = spec ? spec.kind : "";
    if (slot.dataset.control === control && old && !kindChanged) {
      decorate(row, old, spec, op);
      return;
    }
    var values = kindChanged ? [] : currentValues(slot);
    var oldUnderstood = slot.querySelector(".number-understood");
    if (oldUnderstood) {
      oldUnderstood.remove();
    }
    var name = row.querySelector("[data-cond-field]").name.replace(/-field$/, "-value");
    var input;
    if (control === "bool") {
      input = document.createElement("select");
      input.className = "form-select";
      input.appendChild(option("true", form.dataset.msgYes, values[0] !== "false"));
      input.appendChild(option("false", form.dataset.msgNo, values[0] === "false"));
    } else if (control === "choice" || control === "multi") {
      input = document.createElement("select");
      input.className = "form-select";
      input.multiple = control === "multi";
      if (input.multiple) {
        input.size = Math.min(Math.max(spec.choices.length, 2), 5);
      }
      spec.choices.forEach(function (choice, position) {
        var selected = values.indexOf(choice[0]) !== -1 || (!input.multiple && !values.length && position === 0);
        input.appendChild(option(choice[0], choice[1], selected));
      });
    } else {
      input = document.createElement("input");
      input.className = "form-control";
      input.autocomplete = "off";
      input.spellcheck = false;
      input.type = "text";
      if (control === "number") {
        input.inputMode = "decimal";
        input.setAttribute("data-number", "");
        input.value = values.length ? values[0] : "";
      } else {
        input.value = values.join(spec && spec.kind === "number" ? "; " : ", ");
      }
    }
    input.name = name;
    input.id = name;
    var label = slot.querySelector("label");
    if (old) {
      old.replaceWith(input);
    } else {
      slot.appendChild(input);
    }
    if (label) {
      label.htmlFor = name;
    }
    slot.dataset.control = control;
    decorate(row, input, spec, op);
    slot.dispatchEvent(new CustomEvent("portal:content-added", { bubbles: true }));
  }

  /* Placeholder, monospace for codes, and the hint under the row. */
  function decorate(row, input, spec, op) {
    var kind = spec ? spec.kind : "";
    if (input.tagName === "INPUT" && input.type === "text") {
      input.classList.toggle("font-monospace", ["hs", "code", "country"].indexOf(kind) !== -1);
      input.placeholder = isList(op) ? (kind === "number" ? form.dataset.msgNumberList : form.dataset.msgList)
        : op === "startswith" ? form.dataset.msgPrefixes : "";
    }
    var hints = [];
    var field = row.querySelector("[data-cond-field]").value;
    if (kind === "hs") {
      hints.push(form.dataset.hintHs);
    } else if (kind === "country") {
      hints.push(form.dataset.hintCountry);
    } else if (kind === "text") {
      hints.push(form.dataset.hintText);
    }
    if (field === "items.unit_price_vs_reference") {
      hints.push(form.dataset.hintRatio);
    }
    if (field.indexOf("items.") === 0) {
      hints.push(form.dataset.hintItems);
    }
    if (input.multiple) {
      hints.push(form.dataset.msgMulti);
    }
    row.querySelector("[data-cond-hint]").textContent = hints.join(" ");
  }

  function refreshRows() {
    var all = rows();
    all.forEach(function (row, position) {
      var joiner = row.querySelector("[data-cond-joiner]");
      joiner.textContent = position === 0 ? form.dataset.msgIf : form.dataset.msgAnd;
      joiner.classList.toggle("is-first", position === 0);
      row.querySelector("[data-cond-remove]").disabled = all.length <= 1;
    });
    var count = form.querySelector("[data-cond-count]");
    if (count) {
      count.textContent = String(all.length);
    }
  }

  function clearErrors(row) {
    row.classList.remove("has-errors");
    row.querySelectorAll(".is-invalid").forEach(function (element) { element.classList.remove("is-invalid"); });
    row.querySelectorAll(".cond-error").forEach(function (element) { element.remove(); });
  }

  function addRow() {
    var holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(nextIndex));
    nextIndex += 1;
    var row = holder.firstElementChild;
    rowsBox.appendChild(row);
    refreshOps(row);
    buildValue(row);
    refreshRows();
    row.querySelector("[data-cond-field]").focus();
  }

  form.addEventListener("change", function (event) {
    var row = event.target.closest("[data-cond-row]");
    if (!row) {
      return;
    }
    if (event.target.hasAttribute("data-cond-field")) {
      clearErrors(row);
      refreshOps(row);
      buildValue(row);
    } else if (event.target.hasAttribute("data-cond-op")) {
      buildValue(row);
    }
  });

  form.addEventListener("click", function (event) {
    if (event.target.closest("[data-cond-add]")) {
      addRow();
      return;
    }
    var remove = event.target.closest("[data-cond-remove]");
    if (remove && rows().length > 1) {
      var row = remove.closest("[data-cond-row]");
      var next = row.nextElementSibling || row.previousElementSibling;
      row.remove();
      refreshRows();
      if (next) {
        next.querySelector("[data-cond-field]").focus();
      }
    }
  });

  rows().forEach(function (row) {
    var slot = row.querySelector("[data-cond-value]");
    var spec = specOf(row);
    slot.dataset.kind = spec ? spec.kind : "";
    decorate(row, slot.querySelector("[name$='-value']"), spec, opOf(row));
  });
  refreshRows();
})();
