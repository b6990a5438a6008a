"""The learned risk model (issue 16), pure: the rows it learns from (`rows`), the features computed
from what was known before each row's date (`features`), training and evaluation (`training`), the
stored artifact (`artifact`) and the explanation of one score (`explain`). No database access here:
risk/selectors/model_history.py reads the rows, risk/services/risk_model.py trains and activates,
risk/services/model_score.py scores a declaration in the worker."""
