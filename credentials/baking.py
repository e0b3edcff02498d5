"""A badge as an image with the credential baked in (Open Badges 3.0 baking: a PNG iTXt chunk
named openbadgecredential holding the VC-JWT).

One function for every badge, whatever it attests (a vaststelling or a sign-off), and for
every place it leaves Bekwaam (the student's download, their export): the image is drawn from
the signed credential itself, so the same token always gives the same picture and words.
"""

import io

import jwt
from PIL import Image, ImageDraw
from PIL.PngImagePlugin import PngInfo


def baked_png(token: str) -> bytes:
    vc = jwt.decode(token, options={"verify_signature": False})["vc"]
    code = vc["credentialSubject"]["achievement"]["humanCode"]
    issuer = vc["issuer"]["name"]
    image = Image.new("RGB", (400, 400), "#0b5ed7")
    draw = ImageDraw.Draw(image)
    draw.ellipse((40, 40, 360, 360), outline="white", width=8)
    draw.text((200, 170), code, fill="white", anchor="mm", font_size=40)
    draw.text((200, 230), issuer[:30], fill="white", anchor="mm", font_size=18)
    info = PngInfo()
    info.add_itxt("openbadgecredential", token)
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info)
    return out.getvalue()
