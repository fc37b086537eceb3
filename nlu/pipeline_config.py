"""The complete spaCy pipeline and training configuration.

Every setting is written out here rather than left to spaCy's defaults, so the
config (saved with each model as ``config.cfg``) says exactly what was trained.
The text is part of the model fingerprint: changing it triggers retraining.
"""

from __future__ import annotations

from thinc.api import Config

# 7: the model records which intents the NER is needed for (meta "s3_ner_intents").
PIPELINE_VERSION = "s3-nlu-7"
SEED = 42

_NLP = """
[paths]
vectors = null
init_tok2vec = null

[system]
seed = {seed}
gpu_allocator = null

[nlp]
lang = "{lang}"
pipeline = {pipeline}
batch_size = 64
disabled = []
before_creation = null
after_creation = null
after_pipeline_creation = null
tokenizer = {{"@tokenizers": "spacy.Tokenizer.v1"}}
vectors = {{"@vectors": "spacy.Vectors.v1"}}

[components]

[components.intent_classifier]
factory = "s3_intent_classifier_v1"
word_ngram_max = 2
char_ngram_min = 2
char_ngram_max = 5
char_min_df = 2
pair_window = 4
pair_min_df = 2
ensemble = ["word+char+pair", "char", "word+pair"]
svm_c = 1.0
calibration_folds = 3
seed = {seed}
{ner}
[components.regex_entities]
factory = "s3_regex_entities_v1"

[components.lookup_entities]
factory = "s3_lookup_entities_v1"

[components.entity_merger]
factory = "s3_entity_merger_v1"

[initialize]
vectors = null
init_tok2vec = null
vocab_data = null
lookups = null
before_init = null
after_init = null

[initialize.components]

[initialize.tokenizer]

[training]
seed = {seed}
max_epochs = 30
dropout = 0.2
batch_size_start = 4
batch_size_stop = 32
batch_size_compound = 1.05

[training.optimizer]
@optimizers = "Adam.v1"
beta1 = 0.9
beta2 = 0.999
L2_is_weight_decay = true
L2 = 0.01
grad_clip = 1.0
use_averages = true
eps = 0.00000001
learn_rate = 0.003
"""

_NER = """
[components.ner]
factory = "ner"
moves = null
update_with_oracle_cut_size = 100
incorrect_spans_key = null
scorer = {"@scorers": "spacy.ner_scorer.v1"}

[components.ner.model]
@architectures = "spacy.TransitionBasedParser.v2"
state_type = "ner"
extra_state_tokens = false
hidden_width = 64
maxout_pieces = 2
use_upper = true
nO = null

[components.ner.model.tok2vec]
@architectures = "spacy.HashEmbedCNN.v2"
pretrained_vectors = null
width = 64
depth = 2
embed_size = 2000
window_size = 1
maxout_pieces = 3
subword_features = true
"""


def pipeline_config_text(language: str, *, with_ner: bool) -> str:
    """Render the full config as text.

    Args:
        language: spaCy language code for ``spacy.blank``, e.g. ``"en"``.
        with_ner: Whether to include the statistical ``ner`` component
            (left out when the data annotates no entities).

    Returns:
        The config in spaCy's ``.cfg`` syntax.
    """
    names = ["intent_classifier"] + (["ner"] if with_ner else [])
    names += ["regex_entities", "lookup_entities", "entity_merger"]
    pipeline = "[" + ", ".join(f'"{name}"' for name in names) + "]"
    return _NLP.format(seed=SEED, lang=language, pipeline=pipeline, ner=_NER if with_ner else "")


def pipeline_config(language: str, *, with_ner: bool) -> Config:
    """Build the full config as a thinc ``Config``.

    Args:
        language: spaCy language code for ``spacy.blank``.
        with_ner: Whether to include the statistical ``ner`` component.

    Returns:
        The parsed config.
    """
    return Config().from_str(pipeline_config_text(language, with_ner=with_ner))
