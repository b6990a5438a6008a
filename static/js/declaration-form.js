/* The declaration form: direction-dependent fields, goods item rows, line values, HS look-up results.
 * The taxes preview and the look-up requests themselves are htmx attributes in the template.
 * Numbers are read and printed by window.PortalNumbers (numbers.js), as the server reads them. */
(function () {
  "use strict";

  var form = document.getElementById("declaration-form");
  if (!form) {
    return;
  }
  var rowsBox = form.querySelector("[data-item-rows]");
  var template = document.getElementById("item-row-template");
  var addButton = form.querySelector("[data-item-add]");
  var limitNote = form.querySelector("[data-item-limit]");
  var maxItems = parseInt(form.dataset.maxItems || "50", 10);
  var N = window.PortalNumbers;
  var lang = N.language(form.dataset.lang);
  var nextIndex = 0;

  function rows() {
    return Array.prototype.slice.call(rowsBox.querySelectorAll("[data-item-row]"));
  }

  rows().forEach(function (row) {
    var index = parseInt(row.dataset.index, 10);
    if (!isNaN(index) && index >= nextIndex) {
      nextIndex = index + 1;
    }
  });

  function direction() {
    var checked = form.querySelector("[data-direction-input]:checked");
    return checked ? checked.value : "import";
  }

  /* The exact number typed into an input, or null (blank or unreadable). */
  function number(input) {
    return input ? N.parse(input.value, lang) : null;
  }

  function money(value) {
    return N.format(value, lang, 2);
  }

  function notifyItemsChanged() {
    document.body.dispatchEvent(new CustomEvent("items-changed"));
  }

  /* Direction: the type codes, transport date and partner wording that apply. */
  function applyDirection() {
    var current = direction();
    form.querySelectorAll("[data-direction-show]").forEach(function (element) {
      element.hidden = element.dataset.directionShow !== current;
    });
    var select = form.querySelector("[data-type-code]");
    if (select) {
      select.querySelectorAll("optgroup").forEach(function (group) {
        var allowed = group.dataset.direction === current;
        group.disabled = !allowed;
        group.hidden = !allowed;
      });
      var selected = select.options[select.selectedIndex];
      if (!selected || selected.parentElement.dataset.direction !== current) {
        var first = select.querySelector('optgroup[data-direction="' + current + '"] option');
        if (first) {
          select.value = first.value;
        }
      }
    }
    var hint = form.querySelector("[data-incoterm-hint]");
    if (hint) {
      hint.textContent = current === "import" ? hint.dataset.msgImport : hint.dataset.msgExport;
    }
  }

  /* Items: numbering, count, limits, line values and their sum. */
  function refreshItems() {
    var all = rows();
    all.forEach(function (row, position) {
      var badge = row.querySelector("[data-item-number]");
      if (badge) {
        badge.textContent = String(position + 1);
      }
      var remove = row.querySelector("[data-item-remove]");
      if (remove) {
        remove.disabled = all.length <= 1;
      }
    });
    var count = form.querySelector("[data-item-count]");
    if (count) {
      count.textContent = all.length + " / " + maxItems;
    }
    var full = all.length >= maxItems;
    addButton.disabled = full;
    limitNote.hidden = !full;
    limitNote.textContent = full ? form.dataset.msgMaxItems : "";
    refreshValues();
  }

  /* Line values (quantity × unit price, rounded half-even to the cent as the server does) and their
   * sum against the invoice total. A line that is incomplete, unreadable or not above zero has no
   * value, and while any line has none the sum is not shown (the server does not judge it either). */
  function refreshValues() {
    var sum = N.zero();
    var all = rows();
    var complete = true;
    all.forEach(function (row) {
      var quantity = number(row.querySelector('[name$="-quantity"]'));
      var price = number(row.querySelector('[name$="-unit_price"]'));
      var output = row.querySelector("[data-line-value]");
      if (quantity && price && N.isPositive(quantity) && N.isPositive(price)) {
        var value = N.round(N.times(quantity, price), 2, "half-even");
        sum = N.plus(sum, value);
        output.textContent = money(value);
      } else {
        complete = false;
        output.textContent = "—";
      }
    });
    var box = form.querySelector("[data-items-sum]");
    var total = form.querySelector("[data-invoice-total]");
    box.textContent = "";
    if (!complete || !N.isPositive(sum)) {
      return;
    }
    var given = number(total);
    // The server's tolerance: 0.01 per item.
    var tolerance = { units: BigInt(all.length), scale: 2 };
    var difference = given === null ? null : N.minus(given, sum);
    var text = document.createElement("span");
    text.textContent = form.dataset.msgSum + ": " + money(sum) + " ";
    box.appendChild(text);
    if (difference === null || N.compare(N.abs(difference), tolerance) > 0) {
      if (given !== null) {
        var mismatch = document.createElement("span");
        mismatch.className = "text-warning-emphasis";
        mismatch.textContent = "(" + form.dataset.msgSumMismatch + ") ";
        box.appendChild(mismatch);
      }
      var use = document.createElement("button");
      use.type = "button";
      use.className = "btn btn-link btn-sm p-0 align-baseline";
      use.dataset.useSum = money(sum);
      use.textContent = form.dataset.msgUseSum;
      box.appendChild(use);
    } else {
      text.textContent += "✓";
    }
  }

  function addItem() {
    if (rows().length >= maxItems) {
      return;
    }
    var holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(nextIndex));
    nextIndex += 1;
    var row = holder.firstElementChild;
    rowsBox.appendChild(row);
    if (window.htmx) {
      window.htmx.process(row);
    }
    row.dispatchEvent(new CustomEvent("portal:content-added", { bubbles: true }));
    refreshItems();
    var input = row.querySelector("[data-hs-input]");
    if (input) {
      input.focus({ preventScroll: true });
      row.scrollIntoView({ behavior: "smooth", block: "nearest" });
    }
  }

  function closeResults(except) {
    form.querySelectorAll(".hs-results").forEach(function (box) {
      if (box !== except && box.innerHTML !== "") {
        box.innerHTML = "";
        var input = box.parentElement.querySelector("[data-hs-input]");
        if (input) {
          input.setAttribute("aria-expanded", "false");
        }
      }
    });
  }

  function pickResult(button) {
    var row = button.closest("[data-item-row]");
    var input = row.querySelector("[data-hs-input]");
    var description = row.querySelector('[name$="-description"]');
    input.value = button.dataset.hsCode;
    input.classList.remove("is-invalid");
    if (description && !description.value.trim()) {
      description.value = button.dataset.description;
    }
    closeResults(null);
    input.dispatchEvent(new Event("change", { bubbles: true }));
    var next = description && description.value.trim() ? row.querySelector('[name$="-origin_country"]') : description;
    if (next) {
      next.focus();
    }
  }

  /* Permits of an item: a small repeatable group of kind, number, agency and date (at most data-max-permits). */
  var permitTemplate = document.getElementById("permit-row-template");

  function refreshPermits(box) {
    var add = box.querySelector("[data-permit-add]");
    var count = box.querySelectorAll("[data-permit-row]").length;
    add.disabled = count >= parseInt(box.dataset.maxPermits || "10", 10);
  }

  function addPermit(box) {
    var row = box.closest("[data-item-row]");
    var next = parseInt(box.dataset.nextPermit || "0", 10);
    var holder = document.createElement("div");
    holder.innerHTML = permitTemplate.innerHTML
      .replace(/__prefix__/g, row.dataset.index)
      .replace(/__permit__/g, String(next));
    box.dataset.nextPermit = String(next + 1);
    var permit = holder.firstElementChild;
    box.querySelector("[data-permit-rows]").appendChild(permit);
    permit.dispatchEvent(new CustomEvent("portal:content-added", { bubbles: true }));
    refreshPermits(box);
    var kind = permit.querySelector("select");
    if (kind) {
      kind.focus();
    }
  }

  /* The preview's warnings (a line under specialised management without a permit), each shown on its line too. */
  function placePermitWarnings() {
    var all = rows();
    all.forEach(function (row) {
      var box = row.querySelector("[data-permit-warning]");
      if (box) {
        box.textContent = "";
      }
    });
    document.querySelectorAll("#tax-preview [data-permit-warning-line]").forEach(function (warning) {
      var row = all[parseInt(warning.dataset.permitWarningLine, 10) - 1];
      var box = row ? row.querySelector("[data-permit-warning]") : null;
      if (box) {
        box.textContent = "⚠ " + warning.textContent;
      }
    });
  }

  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "tax-preview") {
      placePermitWarnings();
    }
  });

  form.addEventListener("click", function (event) {
    var permitAdd = event.target.closest("[data-permit-add]");
    if (permitAdd) {
      addPermit(permitAdd.closest("[data-permits]"));
      return;
    }
    var permitRemove = event.target.closest("[data-permit-remove]");
    if (permitRemove) {
      var box = permitRemove.closest("[data-permits]");
      permitRemove.closest("[data-permit-row]").remove();
      refreshPermits(box);
      notifyItemsChanged();
      return;
    }
    var result = event.target.closest("[data-hs-result]");
    if (result) {
      event.preventDefault();
      pickResult(result);
      return;
    }
    if (event.target.closest("[data-item-add]")) {
      addItem();
      return;
    }
    var remove = event.target.closest("[data-item-remove]");
    if (remove && rows().length > 1) {
      remove.closest("[data-item-row]").remove();
      refreshItems();
      notifyItemsChanged();
      return;
    }
    var useSum = event.target.closest("[data-use-sum]");
    if (useSum) {
      var total = form.querySelector("[data-invoice-total]");
      total.value = useSum.dataset.useSum;
      total.classList.remove("is-invalid");
      total.dispatchEvent(new Event("input", { bubbles: true }));
      total.dispatchEvent(new Event("change", { bubbles: true }));
      refreshValues();
    }
  });

  document.addEventListener("click", function (event) {
    if (!event.target.closest(".hs-cell")) {
      closeResults(null);
    }
  });

  // Leaving an HS code cell (by keyboard or mouse) closes its list.
  document.addEventListener("focusin", function (event) {
    var cell = event.target.closest ? event.target.closest(".hs-cell") : null;
    closeResults(cell ? cell.querySelector(".hs-results") : null);
  });

  form.addEventListener("input", function (event) {
    var name = event.target.name || "";
    if (/-(quantity|unit_price)$/.test(name) || event.target.hasAttribute("data-invoice-total")) {
      refreshValues();
    }
  });

  form.addEventListener("change", function (event) {
    if (event.target.hasAttribute("data-direction-input")) {
      applyDirection();
    }
    if (event.target.hasAttribute("data-currency")) {
      var label = form.querySelector("[data-currency-label]");
      if (label) {
        label.textContent = event.target.value;
      }
    }
  });

  form.addEventListener("keydown", function (event) {
    var target = event.target;
    if (target.hasAttribute("data-hs-input")) {
      var box = target.parentElement.querySelector(".hs-results");
      var first = box.querySelector("[data-hs-result]");
      if (event.key === "ArrowDown" && first) {
        event.preventDefault();
        first.focus();
      } else if (event.key === "Enter") {
        event.preventDefault();  // Enter in the look-up picks a line, it never submits the form
        if (first) {
          pickResult(first);
        }
      } else if (event.key === "Escape") {
        closeResults(null);
      }
    } else if (target.hasAttribute("data-hs-result")) {
      var sibling = null;
      if (event.key === "ArrowDown") {
        sibling = target.nextElementSibling;
      } else if (event.key === "ArrowUp") {
        sibling = target.previousElementSibling;
        if (!sibling || !sibling.hasAttribute("data-hs-result")) {
          sibling = target.closest(".hs-cell").querySelector("[data-hs-input]");
        }
      } else if (event.key === "Escape") {
        var input = target.closest(".hs-cell").querySelector("[data-hs-input]");
        closeResults(null);
        input.focus();
        return;
      }
      if (sibling) {
        event.preventDefault();
        sibling.focus();
      }
    }
  });

  // After a look-up answer: show only the latest list; an empty answer closes it.
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var box = event.detail.target;
    if (!box || !box.classList || !box.classList.contains("hs-results")) {
      return;
    }
    // An empty answer, or one that arrives after the trader moved on, shows nothing.
    if (!box.querySelector("[data-hs-results]") || !box.parentElement.contains(document.activeElement)) {
      box.innerHTML = "";
    }
    closeResults(box);
    var input = box.parentElement.querySelector("[data-hs-input]");
    if (input) {
      input.setAttribute("aria-expanded", box.innerHTML === "" ? "false" : "true");
    }
  });

  applyDirection();
  refreshItems();
  form.querySelectorAll("[data-permits]").forEach(refreshPermits);
})();
