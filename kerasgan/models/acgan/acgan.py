"""ACGAN: a conditional generator and a discriminator that also classifies."""

import keras
from keras import ops

from kerasgan.models.conditional_gan.conditional_gan import ConditionalGAN


def _class_cross_entropy(class_logits, labels):
    labels = ops.cast(ops.reshape(labels, (-1,)), "int32")
    losses = keras.losses.sparse_categorical_crossentropy(
        labels, ops.cast(class_logits, "float32"), from_logits=True
    )
    return ops.mean(losses)


@keras.saving.register_keras_serializable(package="kerasgan")
class ACGAN(ConditionalGAN):
    """Auxiliary Classifier GAN (Odena et al. 2017).

    The generator is conditional (label embedded into the latent vector); the
    discriminator does not see the label but has a second head that classifies its
    input. D minimises the adversarial loss plus the class cross-entropy on real and
    fake data; G minimises its adversarial loss plus the class cross-entropy of its
    fakes, so it is pushed to make each class recognisable. Fakes are drawn with the
    labels of the real batch. The `class_loss` metric logs D's real-data term.

    That last push is ACGAN's known bias: minimising the class cross-entropy of its
    fakes also minimises their conditional entropy, so G draws each class's most
    recognisable, least varied images (Shu et al. 2017; Gong et al. 2019). With
    `twin_classifier=True` (TAC-GAN, Gong et al. 2019) the discriminator's class
    head has a second, twin classifier trained on the fakes only, the first is
    trained on real images only, and G minimises the first's cross-entropy minus
    the twin's: the twin's term cancels the entropy bias, so G matches each class's
    distribution instead of its mode. The head then has `2 * num_classes` logits,
    the classifier's then the twin's.

    Args:
        class_weight: weight of the class cross-entropy terms (1 in the paper).
        twin_classifier: TAC-GAN's twin classifier (see above).
        other arguments: see `kerasgan.models.ConditionalGAN` (no `conditioning`).

    Example:

    ```python
    gan = kerasgan.models.ACGAN(num_classes=10, latent_dim=64, data_shape=(28, 28, 1))
    gan.compile()
    gan.fit(images, labels, batch_size=64, epochs=5)
    ```

    Paper: https://arxiv.org/abs/1610.09585; TAC-GAN:
    https://arxiv.org/abs/1907.02690
    """

    conditionings = ("auxiliary",)

    def __init__(self, class_weight=1.0, twin_classifier=False, conditioning="auxiliary",
                 **kwargs):
        self.class_weight = float(class_weight)
        self.twin_classifier = bool(twin_classifier)
        super().__init__(conditioning=conditioning, **kwargs)

    def discriminator_builder_options(self):
        options = super().discriminator_builder_options()
        if self.twin_classifier:
            # One head of class logits: the classifier's, then the twin's.
            options["num_classes"] = 2 * self.num_classes
        return options

    def discriminator_inputs(self, images, labels):
        return images

    def discriminate(self, images, labels, training=True):
        """The adversarial head only (penalties and the base losses use this)."""
        return self.discriminate_and_classify(images, labels, training)[0]

    def discriminate_and_classify(self, images, labels, training=True):
        """`(logits, class_logits)`; `(logits, class_logits, twin_logits)` with the
        twin classifier."""
        logits, classes = super().discriminate(images, labels, training)
        if not self.twin_classifier:
            return logits, classes
        return logits, classes[:, : self.num_classes], classes[:, self.num_classes :]

    def discriminator_extra_logs(self):
        return ("class_loss",) + super().discriminator_extra_logs()

    def discriminator_loss(self, real, labels):
        batch_size = ops.shape(real)[0]
        fake = ops.stop_gradient(self.generate_fakes(batch_size, labels))
        real_logits, real_classes, *_ = self.discriminate_and_classify(real, labels)
        fake_logits, fake_classes, *twin = self.discriminate_and_classify(fake, labels)
        real_class_loss = _class_cross_entropy(real_classes, labels)
        # TAC-GAN: the classifier learns real images only, the twin the fakes.
        class_loss = real_class_loss + _class_cross_entropy(
            twin[0] if twin else fake_classes, labels)
        loss = self.adversarial_loss.discriminator_loss(real_logits, fake_logits)
        loss = loss + self.class_weight * class_loss
        logs = {
            "d_real": ops.mean(self.adversarial_loss.score(real_logits)),
            "d_fake": ops.mean(self.adversarial_loss.score(fake_logits)),
            "class_loss": real_class_loss,
        }
        loss = self._add_penalty(loss, logs, real, fake, labels)
        logs["d_loss"] = loss
        return loss, logs

    def generator_loss(self, real, labels):
        batch_size = ops.shape(real)[0]
        fake = self.generate_fakes(batch_size, labels)
        fake_logits, fake_classes, *twin = self.discriminate_and_classify(fake, labels)
        class_loss = _class_cross_entropy(fake_classes, labels)
        if twin:
            class_loss = class_loss - _class_cross_entropy(twin[0], labels)
        loss = self.adversarial_loss.generator_loss(fake_logits)
        loss = loss + self.class_weight * class_loss
        loss = self._add_feature_matching(loss, real, fake, labels)
        return loss, {"g_loss": loss}

    def get_config(self):
        return {**super().get_config(), "class_weight": self.class_weight,
                "twin_classifier": self.twin_classifier}
