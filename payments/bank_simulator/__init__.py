"""A development bank, clearly apart from the portal's payment code: it only talks to the portal the
way a real bank would (the payment page the trader is sent to, signed callbacks, a signed daily
statement). Installed and routed only when settings.BANK_SIMULATOR_ENABLED (local and test settings)."""
