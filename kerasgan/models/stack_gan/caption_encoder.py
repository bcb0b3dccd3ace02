"""The built-in text encoder of StackGAN: caption token ids → an embedding."""

import keras
import numpy as np
from keras import layers

from kerasgan.data import captions as captions_lib
from kerasgan.models.networks import Network


@keras.saving.register_keras_serializable(package="kerasgan")
class CaptionEncoder(Network):
    """A bag-of-words caption encoder: word embeddings, a masked mean, a dense layer.

    Maps int token ids `(batch, max_tokens)` (0 pads, `kerasgan.data.captions`) to
    an embedding `(batch, embedding_dim)` in (-1, 1). StackGAN's paper uses the
    pre-trained char-CNN-RNN encoder of Reed et al. 2016; the captions of
    `fashion-mnist-captions` name a class and three attributes with distinct words,
    so word order carries nothing and a bag of words reads them all.
    `pretrain_caption_encoder` trains it on the captions (see there).

    Args:
        vocabulary_size: number of token ids (`len(kerasgan.data.captions.VOCABULARY)`).
        max_tokens: tokens per caption.
        embedding_dim: size of the caption embedding.
        word_dim: size of the word embeddings.
        name, dtype, **kwargs: `keras.Model` arguments.

    Example:

    ```python
    encoder = kerasgan.models.CaptionEncoder(len(captions.VOCABULARY), captions.MAX_TOKENS)
    encoder(captions.tokenize(["a large white sneaker"])).shape  # (1, 32)
    ```
    """

    def __init__(self, vocabulary_size=len(captions_lib.VOCABULARY),
                 max_tokens=captions_lib.MAX_TOKENS, embedding_dim=32, word_dim=32,
                 name="text_encoder", dtype=None, **kwargs):
        tokens = keras.Input((int(max_tokens),), dtype="int32", name="tokens")
        words = layers.Embedding(int(vocabulary_size), int(word_dim), mask_zero=True,
                                 dtype=dtype)(tokens)
        pooled = layers.GlobalAveragePooling1D(dtype=dtype)(words)
        outputs = layers.Dense(int(embedding_dim), activation="tanh", dtype="float32")(pooled)
        self._init_functional(tokens, outputs, dtype, name=name, **kwargs)
        self.vocabulary_size, self.max_tokens = int(vocabulary_size), int(max_tokens)
        self.embedding_dim, self.word_dim = int(embedding_dim), int(word_dim)

    def get_config(self):
        return {**self._base_config(), "vocabulary_size": self.vocabulary_size,
                "max_tokens": self.max_tokens, "embedding_dim": self.embedding_dim,
                "word_dim": self.word_dim}


def pretrain_caption_encoder(encoder, epochs=30, batch_size=64, seed=0, verbose=0):
    """Trains a caption encoder to recover what each caption says.

    The training set is every caption the templates of `kerasgan.data.captions`
    make (10 classes × 3 sizes × 3 tones × 2 contrasts × 3 templates = 540); the
    targets are the class and the three attribute words each caption names
    (`captions.read_attributes`), predicted by four softmax heads on the
    embedding with Adam(1e-2). The heads are then dropped: the embedding keeps what
    a caption says, and captions that say the same in other words (another
    template) get nearly the same embedding.

    Args:
        encoder: a model mapping `(batch, MAX_TOKENS)` token ids to embeddings.
        epochs, batch_size: of the training.
        seed: seed of the heads' initial weights and of the shuffling.
        verbose: `fit()`'s verbosity.

    Returns:
        The accuracy of each head on the 540 captions after training, a dict.
    """
    tokens = captions_lib.tokenize(captions_lib.all_captions())
    targets = captions_lib.read_attributes(tokens)
    keras.utils.set_random_seed(seed)
    inputs = keras.Input((tokens.shape[1],), dtype="int32")
    embedding = encoder(inputs)
    outputs = {name: layers.Dense(int(np.max(values)) + 1, name=name)(embedding)
               for name, values in targets.items()}
    reader = keras.Model(inputs, outputs)
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    reader.compile(keras.optimizers.Adam(1e-2), loss={n: loss for n in targets},
                   metrics={n: ["accuracy"] for n in targets})
    reader.fit(tokens, targets, epochs=epochs, batch_size=batch_size, verbose=verbose)
    predictions = reader.predict(tokens, verbose=0)
    return {name: float(np.mean(np.argmax(predictions[name], -1) == targets[name]))
            for name in targets}
