"""The networks SRGAN's content loss compares images with (Ledig et al. 2017, §2.2.1).

`content="pixels"` compares pixels (SRResNet's MSE). `"vgg54"` / `"vgg22"` (and
`"vgg19"`, the same as `"vgg54"`) compare `keras.applications.VGG19` ImageNet
features, which Keras downloads once. Any other name stands for a network the caller
attaches (`SRGAN.compile(content_network=...)`): kerasgan has no way to rebuild it,
and does not save it with the model.
"""

import keras
from keras import ops

PIXELS = "pixels"
#: VGG19 feature layers, by the paper's names: φ_i,j is the j-th convolution
#: (after its ReLU) before the i-th max-pooling.
VGG_LAYERS = {"vgg54": "block5_conv4", "vgg22": "block2_conv2", "vgg19": "block5_conv4"}
#: The paper rescales VGG features by 1/12.75 so that the VGG loss is of the scale
#: of the MSE (§3.2).
VGG_FEATURE_SCALE = 1.0 / 12.75
#: Caffe VGG preprocessing (keras.applications.vgg19.preprocess_input): BGR means.
IMAGENET_BGR_MEAN = (103.939, 116.779, 123.68)
#: keras.applications.VGG19(include_top=False, weights="imagenet")'s file.
VGG19_WEIGHTS_URL = (
    "https://storage.googleapis.com/tensorflow/keras-applications/vgg19/"
    "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5"
)
VGG19_WEIGHTS_MD5 = "253f8cb515780f3b799900260a226db6"


def check_name(content):
    """The content network's name: "pixels", a VGG19 layer name or a caller's name."""
    if not isinstance(content, str) or not content.strip():
        raise ValueError(
            "content must be 'pixels', 'vgg54', 'vgg22' or the name of a network you "
            f"attach with compile(content_network=...); got {content!r}."
        )
    return content


def builds_itself(content):
    """Whether kerasgan builds the network named `content` (VGG19) without the caller."""
    return content in VGG_LAYERS


def vgg19_features(content="vgg54", channels=3, weights="imagenet"):
    """A model from images in [-1, 1] to VGG19 features scaled by 1/12.75.

    Images are mapped to [0, 255], gray ones repeated to RGB, converted to VGG's
    caffe input (BGR, ImageNet means subtracted) and run up to the layer of
    `content` ("vgg54": block5_conv4, "vgg22": block2_conv2).

    Args:
        content: "vgg54", "vgg22" or "vgg19" (= "vgg54").
        channels: channels of the images (1 or 3).
        weights: "imagenet" (downloaded by Keras once, to ~/.keras/models) or None.

    Returns:
        A non-trainable `keras.Model`.

    Raises:
        RuntimeError: when the ImageNet weights cannot be downloaded, saying what
            works offline.
    """
    if content not in VGG_LAYERS:
        raise ValueError(f"No VGG19 layer for {content!r}; known: {sorted(VGG_LAYERS)}.")
    if channels not in (1, 3):
        raise ValueError(f"VGG19 takes gray or RGB images; got {channels} channels.")
    vgg = _vgg19(content, weights)
    images = keras.Input((None, None, channels), name="images")
    x = keras.layers.Lambda(_to_vgg_input, name="vgg_preprocess")(images)
    x = keras.Model(vgg.input, vgg.get_layer(VGG_LAYERS[content]).output)(x)
    features = keras.layers.Rescaling(VGG_FEATURE_SCALE, name="paper_scale")(x)
    model = keras.Model(images, features, name=content)
    model.trainable = False
    return model


def _to_vgg_input(images):
    rgb = (ops.cast(images, "float32") + 1.0) * 127.5
    if rgb.shape[-1] == 1:
        rgb = ops.concatenate([rgb, rgb, rgb], axis=-1)
    return ops.flip(rgb, axis=-1) - ops.convert_to_tensor(IMAGENET_BGR_MEAN, "float32")


def _vgg19(content, weights):
    if weights == "imagenet":
        weights = _vgg19_weights(content)
    return keras.applications.VGG19(include_top=False, weights=weights,
                                    input_shape=(None, None, 3))


def _vgg19_weights(content):
    """The path of VGG19's ImageNet weights (downloaded once, then Keras's cache),
    fetched before the network is built so that offline fails at once."""
    try:
        return keras.utils.get_file(
            VGG19_WEIGHTS_URL.rpartition("/")[2], VGG19_WEIGHTS_URL,
            cache_subdir="models", file_hash=VGG19_WEIGHTS_MD5,
        )
    except Exception as error:  # Keras's get_file raises a bare Exception offline
        raise RuntimeError(
            f"SRGAN(content={content!r}) compares keras.applications.VGG19 ImageNet "
            f"features, but their weights could not be downloaded ({error}). Offline, "
            "either copy vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5 to "
            "~/.keras/models/, or train on pixels (content='pixels', SRResNet's MSE), "
            "or on the features of a network you have: SRGAN(content='my_features'), "
            "then compile(content_network=features_model)."
        ) from error
